import type { ExpBuckets } from './exp-histogram.ts';

// The exporter's state between scrapes: metric families by Prometheus name, each with its
// series by rendered label set. Bounded by `max_series`; series not updated within
// `metric_expiration` are removed at the next scrape or sweep.

/** What a family holds; `exphistogram` renders as a histogram but is a type of its own for conflicts. */
export type PointKind = 'counter' | 'gauge' | 'histogram' | 'exphistogram' | 'summary';

export interface Exemplar {
  /** Rendered labels: `trace_id="...",span_id="..."`. */
  labels: string;
  value: number;
  timeNs: bigint;
}

const NO_NUMBERS: number[] = [];

/** One series. A single class for every kind keeps the objects one shape. */
export class Series {
  readonly labels: string;
  updatedMs: number;
  /** Start and end of the latest point: detect resets, duplicates and points out of order. */
  startNs = 0n;
  lastNs = 0n;
  /** Counter or gauge value. */
  value = 0;
  /** Histograms and summaries. `sum` is NaN when a sender did not send it (then not written). */
  count = 0;
  sum = 0;
  /** Explicit-bucket histogram: upper bounds and per-bucket (not cumulative) counts, one more than bounds. */
  bounds: number[] = NO_NUMBERS;
  counts: number[] = NO_NUMBERS;
  /** Exponential histogram state, converted to classic buckets when rendered. */
  exp: ExpBuckets | undefined;
  /** Summary quantiles, as sent. */
  quantiles: number[] = NO_NUMBERS;
  quantileValues: number[] = NO_NUMBERS;
  /** Latest exemplar: of a counter, or per bucket of a histogram. */
  exemplar: Exemplar | undefined;
  bucketExemplars: Array<Exemplar | undefined> | undefined;

  constructor(labels: string, nowMs: number) {
    this.labels = labels;
    this.updatedMs = nowMs;
  }
}

export class Family {
  readonly name: string;
  readonly kind: PointKind;
  /** Unit in words (`seconds`), "" when none: OpenMetrics `# UNIT` and the conflict check. */
  readonly unit: string;
  help: string;
  readonly series = new Map<string, Series>();

  constructor(name: string, kind: PointKind, unit: string, help: string) {
    this.name = name;
    this.kind = kind;
    this.unit = unit;
    this.help = help;
  }
}

export class SeriesStore {
  readonly families = new Map<string, Family>();
  readonly #maxSeries: number;
  readonly #expirationMs: number;
  #size = 0;

  constructor(maxSeries: number, expirationMs: number) {
    this.#maxSeries = maxSeries;
    this.#expirationMs = expirationMs;
  }

  /** Series held, over every family. */
  get size(): number {
    return this.#size;
  }

  family(name: string, kind: PointKind, unit: string, help: string): Family {
    let f = this.families.get(name);
    if (f === undefined) {
      f = new Family(name, kind, unit, help);
      this.families.set(name, f);
    }
    return f;
  }

  /** The series, created when new; undefined when it is new and the store is full. */
  series(family: Family, labels: string, nowMs: number): Series | undefined {
    let s = family.series.get(labels);
    if (s === undefined) {
      if (this.#size >= this.#maxSeries) return undefined;
      s = new Series(labels, nowMs);
      family.series.set(labels, s);
      this.#size++;
    }
    return s;
  }

  remove(family: Family, labels: string): void {
    if (family.series.delete(labels)) this.#size--;
    if (family.series.size === 0) this.families.delete(family.name);
  }

  /** Removes series older than the expiration, and families left empty (their type is free again). */
  expire(nowMs: number): number {
    if (this.#expirationMs <= 0) return 0;
    const cutoff = nowMs - this.#expirationMs;
    let removed = 0;
    for (const [name, f] of this.families) {
      for (const [labels, s] of f.series) {
        if (s.updatedMs < cutoff) {
          f.series.delete(labels);
          removed++;
        }
      }
      if (f.series.size === 0) this.families.delete(name);
    }
    this.#size -= removed;
    return removed;
  }
}

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
  /** Every name a family writes (family and sample names), so that two families never share one. */
  readonly #claims = new Map<string, Family>();
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

  /**
   * The family of this name, created when new. When the name, or one of the sample names it
   * would write (`x_total`, `x_bucket`...), belongs to another family, that family is
   * returned: the caller sees a different name or kind and reports a type conflict.
   */
  family(name: string, kind: PointKind, unit: string, help: string): Family {
    const f = this.families.get(name);
    if (f !== undefined) return f;
    const claims = claimedNames(name, kind);
    for (const c of claims) {
      const owner = this.#claims.get(c);
      if (owner !== undefined) return owner;
    }
    const created = new Family(name, kind, unit, help);
    this.families.set(name, created);
    for (const c of claims) this.#claims.set(c, created);
    return created;
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

  /** Removes a series; an emptied family stays until the next expiry (it may be in use). */
  remove(family: Family, labels: string): void {
    if (family.series.delete(labels)) this.#size--;
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
      if (f.series.size === 0) {
        this.families.delete(name);
        for (const c of claimedNames(name, f.kind)) if (this.#claims.get(c) === f) this.#claims.delete(c);
      }
    }
    this.#size -= removed;
    return removed;
  }
}

/** The names a family writes: its own, its OpenMetrics family name and its sample names. */
function claimedNames(name: string, kind: PointKind): string[] {
  switch (kind) {
    case 'counter':
      return name.endsWith('_total') ? [name, name.slice(0, -6)] : [name];
    case 'gauge':
      return [name];
    case 'summary':
      return [name, `${name}_sum`, `${name}_count`];
    default:
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  }
}

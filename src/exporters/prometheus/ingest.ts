import type { Exemplar as OtlpExemplar, ExponentialHistogramDataPoint, HistogramDataPoint, KeyValue, Metric, MetricsData, NumberDataPoint, SummaryDataPoint } from '../../pdata/types.ts';
import { AggregationTemporality } from '../../pdata/types.ts';
import type { PrometheusExporterConfig } from './config.ts';
import { fromPoint } from '../../prom/exp-histogram.ts';
import { attributeBlock, block, join, valueText } from '../../prom/labels.ts';
import { type Namer, unitWords, type NameKind } from '../../prom/naming.ts';
import type { Reporter } from './report.ts';
import type { Exemplar, Family, PointKind, Series, SeriesStore } from '../../prom/store.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

// OTLP metrics into the series store. Monotonic sums are counters, non-monotonic sums and
// gauges are gauges, histograms and summaries keep their type. Delta points are added to the
// series (Prometheus only knows cumulative values); cumulative points replace it. A point
// that cannot be written correctly is left out and reported, never half-applied.

const NO_RECORDED_VALUE = 1;
const DELTA = AggregationTemporality.DELTA;
const CUMULATIVE = AggregationTemporality.CUMULATIVE;
const TARGET_INFO = 'target_info';
const RESOURCE_IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

interface Scope {
  /** Labels every series of the scope carries (job, instance, promoted attributes, scope, const labels). */
  base: string;
  reserved: ReadonlySet<string>;
}

export class Ingester {
  readonly #store: SeriesStore;
  readonly #namer: Namer;
  readonly #report: Reporter;
  readonly #constPairs: Array<[string, string]>;
  readonly #allResource: boolean;
  readonly #promoted: ReadonlySet<string>;
  readonly #scopeInfo: boolean;
  readonly #targetInfo: boolean;
  readonly #maxScale: number;
  #now = 0;

  constructor(store: SeriesStore, namer: Namer, config: PrometheusExporterConfig, report: Reporter) {
    this.#store = store;
    this.#namer = namer;
    this.#report = report;
    this.#constPairs = Object.entries(config.const_labels);
    this.#allResource = config.resource_to_telemetry_conversion.enabled;
    this.#promoted = new Set(config.resource_attributes_as_labels);
    this.#scopeInfo = !config.without_scope_info;
    this.#targetInfo = !config.without_target_info;
    this.#maxScale = config.exponential_histogram_max_scale;
  }

  /** Applies a batch; returns the number of points kept. */
  consume(data: MetricsData, nowMs: number): number {
    this.#now = nowMs;
    let kept = 0;
    for (const rm of data.resourceMetrics) {
      const resourcePairs = this.#resource(rm.resource.attributes);
      for (const sm of rm.scopeMetrics) {
        const pairs = resourcePairs.slice();
        if (this.#scopeInfo) {
          pairs.push(['otel_scope_name', sm.scope.name], ['otel_scope_version', sm.scope.version]);
        }
        for (const p of this.#constPairs) pairs.push(p);
        const base = block(pairs);
        const scope: Scope = { base, reserved: new Set(pairs.map((p) => p[0])) };
        for (const m of sm.metrics) kept += this.#metric(m, scope);
      }
    }
    return kept;
  }

  /** job / instance / promoted attributes, and the resource's target_info series. */
  #resource(attrs: KeyValue[]): Array<[string, string]> {
    let name = '';
    let ns = '';
    let instance = '';
    for (const kv of attrs) {
      if (kv.key === 'service.name') name = valueText(kv.value);
      else if (kv.key === 'service.namespace') ns = valueText(kv.value);
      else if (kv.key === 'service.instance.id') instance = valueText(kv.value);
    }
    const job = ns !== '' && name !== '' ? `${ns}/${name}` : name;
    const identity: Array<[string, string]> = [
      ['job', job],
      ['instance', instance],
    ];
    const pairs = identity.slice();
    const info = identity.slice();
    for (const kv of attrs) {
      const label = this.#namer.label(kv.key);
      if (this.#allResource || this.#promoted.has(kv.key)) pairs.push([label, valueText(kv.value)]);
      if (!RESOURCE_IDENTITY.has(kv.key)) info.push([label, valueText(kv.value)]);
    }
    if (this.#targetInfo && info.length > 2) {
      const f = this.#store.family(TARGET_INFO, 'gauge', '', 'Target metadata');
      if (f.kind === 'gauge' && f.name === TARGET_INFO) {
        const s = this.#store.series(f, block(info), this.#now);
        if (s !== undefined) {
          s.value = 1;
          s.updatedMs = this.#now;
        }
      }
    }
    return pairs;
  }

  #metric(m: Metric, scope: Scope): number {
    let kind: PointKind;
    let nameKind: NameKind = 'other';
    let temporality: number = CUMULATIVE;
    let points: unknown[];
    if (m.sum !== undefined) {
      kind = m.sum.isMonotonic ? 'counter' : 'gauge';
      nameKind = kind;
      temporality = m.sum.aggregationTemporality;
      points = m.sum.dataPoints;
    } else if (m.gauge !== undefined) {
      kind = nameKind = 'gauge';
      points = m.gauge.dataPoints;
    } else if (m.histogram !== undefined) {
      kind = 'histogram';
      temporality = m.histogram.aggregationTemporality;
      points = m.histogram.dataPoints;
    } else if (m.exponentialHistogram !== undefined) {
      kind = 'exphistogram';
      temporality = m.exponentialHistogram.aggregationTemporality;
      points = m.exponentialHistogram.dataPoints;
    } else if (m.summary !== undefined) {
      kind = 'summary';
      points = m.summary.dataPoints;
    } else {
      return 0;
    }
    if (points.length === 0) return 0;
    const name = this.#namer.metric(m.name, m.unit, nameKind);
    if (temporality !== DELTA && temporality !== CUMULATIVE) {
      this.#report.drop(Reason.unspecified_temporality, name, points.length, 'aggregation temporality is unspecified');
      return 0;
    }
    const unit = unitWords(m.unit, nameKind);
    const f = this.#store.family(name, kind, unit, m.description);
    if (f.kind !== kind || f.name !== name) {
      this.#report.conflict('type', name, points.length, '');
      const owner = f.name === name ? 'the name' : `"${f.name}"`;
      this.#report.drop(Reason.type_conflict, name, points.length, `sent as ${kind} (from "${m.name}") while ${owner} is a ${f.kind}`);
      return 0;
    }
    if (f.unit !== unit) {
      this.#report.conflict('unit', name, points.length, '');
      this.#report.drop(Reason.unit_conflict, name, points.length, `unit "${m.unit}" while the name is in "${f.unit}"`);
      return 0;
    }
    if (m.description !== f.help) {
      if (f.help === '') f.help = m.description;
      else if (m.description !== '') this.#report.conflict('help', name, points.length, `help "${m.description}" differs from "${f.help}"`);
    }
    const delta = temporality === DELTA;
    let kept = 0;
    for (const p of points) {
      const attrs = (p as NumberDataPoint).attributes;
      const labels = join(scope.base, attributeBlock(attrs, this.#namer, scope.reserved));
      if (((p as NumberDataPoint).flags & NO_RECORDED_VALUE) !== 0) {
        this.#store.remove(f, labels);
        continue;
      }
      const isNew = !f.series.has(labels);
      const s = this.#store.series(f, labels, this.#now);
      if (s === undefined) {
        this.#report.drop(Reason.series_limit, name, 1, 'the exporter holds max_series series already');
        continue;
      }
      let ok: boolean;
      if (kind === 'counter' || kind === 'gauge') ok = this.#number(f, s, p as NumberDataPoint, isNew, delta);
      else if (kind === 'histogram') ok = this.#histogram(f, s, p as HistogramDataPoint, isNew, delta);
      else if (kind === 'exphistogram') ok = this.#expHistogram(f, s, p as ExponentialHistogramDataPoint, isNew, delta);
      else ok = this.#summary(f, s, p as SummaryDataPoint);
      if (ok) {
        s.updatedMs = this.#now;
        kept++;
      } else if (isNew) {
        this.#store.remove(f, labels);
      }
    }
    return kept;
  }

  /** False when the point is older than the series, or (delta) overlaps what was added already. */
  #inOrder(f: Family, s: Series, start: bigint, time: bigint, isNew: boolean, delta: boolean): boolean {
    if (isNew) return true;
    if (delta ? start < s.lastNs : time < s.lastNs) {
      this.#report.drop(Reason.out_of_order, f.name, 1, delta ? 'a delta point overlaps one already added (sent twice?)' : 'a point is older than the last one');
      return false;
    }
    return true;
  }

  #number(f: Family, s: Series, p: NumberDataPoint, isNew: boolean, delta: boolean): boolean {
    const v = p.asDouble ?? (p.asInt !== undefined ? Number(p.asInt) : undefined);
    if (v === undefined) {
      this.#report.drop(Reason.invalid_value, f.name, 1, 'a number point has no value');
      return false;
    }
    const counter = f.kind === 'counter';
    // A gauge may be NaN or ±Inf (Prometheus stores them); a counter or a sum being added to may not.
    if ((counter || delta) && !Number.isFinite(v)) {
      this.#report.drop(Reason.non_finite_value, f.name, 1, `value ${v} in a ${counter ? 'counter' : 'delta sum'}`);
      return false;
    }
    if (!this.#inOrder(f, s, p.startTimeUnixNano, p.timeUnixNano, isNew, delta)) return false;
    if (counter && (v < 0 || (!delta && !isNew && p.startTimeUnixNano === s.startNs && v < s.value))) {
      this.#report.drop(Reason.counter_decreased, f.name, 1, delta ? `a delta of ${v}` : `value ${v} after ${s.value} with the same start time`);
      return false;
    }
    s.value = delta && !isNew ? s.value + v : v;
    s.startNs = p.startTimeUnixNano;
    s.lastNs = p.timeUnixNano;
    if (counter) {
      const ex = latestExemplar(p.exemplars);
      if (ex !== undefined) s.exemplar = ex;
    }
    return true;
  }

  #histogram(f: Family, s: Series, p: HistogramDataPoint, isNew: boolean, delta: boolean): boolean {
    const bounds = p.explicitBounds;
    const counts = p.bucketCounts;
    let problem = '';
    if (counts.length !== 0 && counts.length !== bounds.length + 1) problem = `${counts.length} bucket counts for ${bounds.length} bounds`;
    for (let i = 0; problem === '' && i < bounds.length; i++) {
      if (!Number.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) problem = 'bounds are not finite and increasing';
    }
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i];
    if (problem === '' && counts.length > 0 && total !== p.count) problem = `bucket counts add up to ${total}, count is ${p.count}`;
    if (problem !== '') {
      this.#report.drop(Reason.histogram_invalid, f.name, 1, problem);
      return false;
    }
    if (!this.#histogramPointOk(f, s, p, isNew, delta)) return false;
    const sum = p.sum ?? NaN;
    const sameLayout = sameBounds(s.bounds, bounds) && s.counts.length === (counts.length === 0 ? 1 : counts.length);
    if (delta && !isNew && sameLayout) {
      for (let i = 0; i < counts.length; i++) s.counts[i] += counts[i];
      if (counts.length === 0) s.counts[0] += p.count;
      s.count += p.count;
      s.sum += sum;
    } else {
      // Cumulative, first point, or a new bucket layout (a restarted sender): start over.
      s.bounds = bounds.slice();
      s.counts = counts.length === 0 ? [p.count] : counts.slice();
      s.count = p.count;
      s.sum = sum;
      s.bucketExemplars = undefined;
    }
    s.startNs = p.startTimeUnixNano;
    s.lastNs = p.timeUnixNano;
    for (const e of p.exemplars) {
      const ex = exemplar(e);
      if (ex === undefined) continue;
      s.bucketExemplars ??= [];
      s.bucketExemplars[bucketOf(s.bounds, ex.value)] = ex;
    }
    return true;
  }

  /** What a histogram point of either kind must pass after its buckets: a finite sum, time order, a cumulative count that does not go down. */
  #histogramPointOk(f: Family, s: Series, p: HistogramDataPoint | ExponentialHistogramDataPoint, isNew: boolean, delta: boolean): boolean {
    if (p.sum !== undefined && !Number.isFinite(p.sum)) {
      this.#report.drop(Reason.non_finite_value, f.name, 1, `histogram sum ${p.sum}`);
      return false;
    }
    if (!this.#inOrder(f, s, p.startTimeUnixNano, p.timeUnixNano, isNew, delta)) return false;
    if (!delta && !isNew && p.startTimeUnixNano === s.startNs && p.count < s.count) {
      this.#report.drop(Reason.counter_decreased, f.name, 1, `count ${p.count} after ${s.count} with the same start time`);
      return false;
    }
    return true;
  }

  #expHistogram(f: Family, s: Series, p: ExponentialHistogramDataPoint, isNew: boolean, delta: boolean): boolean {
    const e = fromPoint(p, this.#maxScale);
    if (typeof e === 'string') {
      this.#report.drop(Reason.histogram_invalid, f.name, 1, e);
      return false;
    }
    if (!this.#histogramPointOk(f, s, p, isNew, delta)) return false;
    const sum = p.sum ?? NaN;
    if (delta && !isNew && s.exp !== undefined) {
      s.exp.add(e);
      s.count += p.count;
      s.sum += sum;
    } else {
      // Keep the lowest scale the series has had, so its `le` values do not move.
      if (s.exp !== undefined && p.startTimeUnixNano === s.startNs) e.downscale(s.exp.scale);
      s.exp = e;
      s.count = p.count;
      s.sum = sum;
    }
    s.startNs = p.startTimeUnixNano;
    s.lastNs = p.timeUnixNano;
    return true;
  }

  #summary(f: Family, s: Series, p: SummaryDataPoint): boolean {
    const q = p.quantileValues;
    for (let i = 0; i < q.length; i++) {
      if (!(q[i].quantile >= 0 && q[i].quantile <= 1)) {
        this.#report.drop(Reason.invalid_value, f.name, 1, `quantile ${q[i].quantile} is outside 0..1`);
        return false;
      }
    }
    if (!Number.isFinite(p.sum)) {
      this.#report.drop(Reason.non_finite_value, f.name, 1, `summary sum ${p.sum}`);
      return false;
    }
    s.quantiles = q.map((x) => x.quantile);
    s.quantileValues = q.map((x) => x.value);
    s.count = p.count;
    s.sum = p.sum;
    s.startNs = p.startTimeUnixNano;
    s.lastNs = p.timeUnixNano;
    return true;
  }
}

function sameBounds(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the bucket holding `v` (the +Inf bucket is bounds.length). */
function bucketOf(bounds: number[], v: number): number {
  let i = 0;
  while (i < bounds.length && v > bounds[i]) i++;
  return i;
}

function exemplar(e: OtlpExemplar): Exemplar | undefined {
  if (e.traceId === '' || e.spanId === '') return undefined;
  const value = e.asDouble ?? (e.asInt !== undefined ? Number(e.asInt) : NaN);
  if (!Number.isFinite(value)) return undefined;
  return { labels: `trace_id="${e.traceId}",span_id="${e.spanId}"`, value, timeNs: e.timeUnixNano };
}

function latestExemplar(list: OtlpExemplar[]): Exemplar | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const ex = exemplar(list[i]);
    if (ex !== undefined) return ex;
  }
  return undefined;
}

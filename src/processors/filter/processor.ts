// The filter processor: drops spans, log records, metrics and data points by condition.
// A record is kept when it matches any include condition (or there is none) and no exclude
// condition. Scopes and resources that filtering empties are removed, every dropped item is
// counted (reason `filtered`), and a batch left empty is not handed on.
import type { Batch } from '../../pdata/batch.ts';
import type {
  InstrumentationScope,
  LogRecord,
  LogsData,
  Metric,
  MetricsData,
  Resource,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  ScopeLogs,
  ScopeMetrics,
  ScopeSpans,
  Signal,
  Span,
  TracesData,
} from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import type { SelfMetrics } from '../../telemetry/metrics.ts';
import { compileCondition } from '../../match/condition.ts';
import { dataPointsOf } from '../../match/points.ts';
import { ConditionSet } from './condition-set.ts';
import type { FilterProcessorConfig } from './config.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const KEEP_ALL = 0;
const DROP_ALL = 1;
const TEST_EACH = 2;

export class FilterProcessor implements Processor {
  readonly mutates = true;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #component: string;
  readonly #metrics: SelfMetrics;
  readonly #include: ConditionSet | undefined;
  readonly #exclude: ConditionSet | undefined;
  /** Items dropped by the current walk; reset by #walk, which is synchronous. */
  #dropped = 0;

  constructor(settings: CreateSettings, config: FilterProcessorConfig, signal: Signal, next: Consumer) {
    const id = settings.id.text;
    const cfg = config[signal];
    if (cfg === undefined || (cfg.include === undefined && cfg.exclude === undefined)) {
      throw new Error(`processor ${id} is used in a ${signal} pipeline but has no ${signal}: include or exclude conditions; add them or remove the processor from the pipeline`);
    }
    this.#signal = signal;
    this.#next = next;
    this.#component = `processor/${id}`;
    this.#metrics = settings.metrics;
    this.#include = cfg.include && new ConditionSet(cfg.include.map(compileCondition));
    this.#exclude = cfg.exclude && new ConditionSet(cfg.exclude.map(compileCondition));
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    // Filtering reads batch.data and compacts arrays in place; the batch's cached encoding
    // is forgotten (mutableData) only when something was removed. The data object is the
    // same either way, so a batch from which nothing is dropped keeps its protobuf bytes.
    const data = batch.data;
    const dropped = this.#walk(this.#signal === 'traces' ? (data as TracesData).resourceSpans : this.#signal === 'logs' ? (data as LogsData).resourceLogs : (data as MetricsData).resourceMetrics);
    if (dropped < 0) return this.#next.consume(batch);
    batch.mutableData();
    if (dropped > 0) this.#metrics.dropped(this.#component, this.#signal, Reason.filtered, dropped);
    if (batch.items === 0) return Promise.resolve();
    return this.#next.consume(batch);
  }

  /** Sets up the sets for a scope and says what to do with its records. */
  #scopeVerdict(incPossible: boolean, excPossible: boolean, scope: InstrumentationScope): number {
    const inc = this.#include;
    const exc = this.#exclude;
    let incAll = true;
    if (inc !== undefined) {
      if (!incPossible) return DROP_ALL;
      inc.scope(scope);
      if (inc.live === 0) return DROP_ALL;
      incAll = inc.all;
    }
    let excAny = false;
    if (exc !== undefined) {
      if (excPossible) exc.scope(scope);
      else exc.clear();
      if (exc.all) return DROP_ALL;
      excAny = exc.live > 0;
    }
    return incAll && !excAny ? KEEP_ALL : TEST_EACH;
  }

  // #walk returns the items dropped, or -1 when nothing at all was removed. Only what
  // filtering empties is removed: a scope or resource that arrived empty stays. The walk down
  // resources and scopes is shared (it dispatches on the signal once per scope); the record
  // loops (#spans, #logs, #metricsOf) stay one per signal, monomorphic, with no closure.

  #walk(resources: { resource: Resource }[]): number {
    const inc = this.#include;
    const exc = this.#exclude;
    const signal = this.#signal;
    this.#dropped = 0;
    let changed = false;
    let rn = 0;
    for (let r = 0; r < resources.length; r++) {
      const res = resources[r];
      const incPossible = inc === undefined || inc.resource(res.resource) > 0;
      const excPossible = exc !== undefined && exc.resource(res.resource) > 0;
      const scopes: { scope: InstrumentationScope }[] =
        signal === 'traces' ? (res as ResourceSpans).scopeSpans : signal === 'logs' ? (res as ResourceLogs).scopeLogs : (res as ResourceMetrics).scopeMetrics;
      const scopesBefore = scopes.length;
      let sn = 0;
      for (let s = 0; s < scopesBefore; s++) {
        const sc = scopes[s];
        const verdict = this.#scopeVerdict(incPossible, excPossible, sc.scope);
        const keep =
          signal === 'traces'
            ? this.#spans((sc as ScopeSpans).spans, verdict)
            : signal === 'logs'
              ? this.#logs((sc as ScopeLogs).logRecords, verdict)
              : this.#metricsOf((sc as ScopeMetrics).metrics, verdict);
        if (keep) scopes[sn++] = sc;
      }
      if (sn < scopesBefore) {
        changed = true;
        scopes.length = sn;
      }
      if (sn > 0 || scopesBefore === 0) resources[rn++] = res;
    }
    if (rn < resources.length) resources.length = rn;
    // A record, metric or point removed counts in #dropped; a metric removed with no points
    // (DROP_ALL on empty metrics) empties its scope, which sets `changed`.
    return this.#dropped > 0 || changed ? this.#dropped : -1;
  }

  // One scope's records, compacted in place. Each adds what it drops to #dropped and says
  // whether the scope keeps something (or arrived empty).

  #spans(spans: Span[], verdict: number): boolean {
    const inc = this.#include;
    const exc = this.#exclude;
    const before = spans.length;
    let n = before;
    if (verdict === DROP_ALL) n = 0;
    else if (verdict === TEST_EACH) {
      const incAll = inc === undefined || inc.all;
      const excLive = exc !== undefined && exc.live > 0;
      n = 0;
      for (let i = 0; i < before; i++) {
        const sp = spans[i];
        if ((incAll || inc.span(sp)) && !(excLive && exc.span(sp))) spans[n++] = sp;
      }
    }
    if (n < before) {
      this.#dropped += before - n;
      spans.length = n;
    }
    return n > 0 || before === 0;
  }

  #logs(recs: LogRecord[], verdict: number): boolean {
    const inc = this.#include;
    const exc = this.#exclude;
    const before = recs.length;
    let n = before;
    if (verdict === DROP_ALL) n = 0;
    else if (verdict === TEST_EACH) {
      const incAll = inc === undefined || inc.all;
      const excLive = exc !== undefined && exc.live > 0;
      n = 0;
      for (let i = 0; i < before; i++) {
        const rec = recs[i];
        if ((incAll || inc.log(rec)) && !(excLive && exc.log(rec))) recs[n++] = rec;
      }
    }
    if (n < before) {
      this.#dropped += before - n;
      recs.length = n;
    }
    return n > 0 || before === 0;
  }

  /** Metrics: the metric-name keys select metrics, `attributes` selects data points. */
  #metricsOf(metrics: Metric[], verdict: number): boolean {
    const inc = this.#include;
    const exc = this.#exclude;
    const metricsBefore = metrics.length;
    let dropped = 0;
    let mn = metricsBefore;
    if (verdict === DROP_ALL) {
      for (let i = 0; i < metricsBefore; i++) dropped += dataPointsOf(metrics[i]).length;
      mn = 0;
    } else if (verdict === TEST_EACH) {
      const incAll = inc === undefined || inc.all;
      const excLive = exc !== undefined && exc.live > 0;
      mn = 0;
      for (let i = 0; i < metricsBefore; i++) {
        const m = metrics[i];
        const points = dataPointsOf(m);
        const before = points.length;
        let n = before;
        // inc.metric / exc.metric also prepare the per-metric flags that point() reads.
        if (!incAll && !inc.metric(m)) n = 0;
        else {
          const excMetric = excLive && exc.metric(m);
          if (!incAll || excMetric) {
            n = 0;
            for (let p = 0; p < before; p++) {
              const attrs = points[p].attributes;
              if ((incAll || inc.point(attrs)) && !(excMetric && exc.point(attrs))) points[n++] = points[p];
            }
          }
        }
        if (n < before) {
          dropped += before - n;
          points.length = n;
        }
        if (n > 0 || before === 0) metrics[mn++] = m;
      }
    }
    this.#dropped += dropped;
    if (mn < metricsBefore) metrics.length = mn;
    return mn > 0 || metricsBefore === 0;
  }
}

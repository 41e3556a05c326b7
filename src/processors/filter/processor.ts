// The filter processor: drops spans, log records, metrics and data points by condition.
// A record is kept when it matches any include condition (or there is none) and no exclude
// condition. Scopes and resources that filtering empties are removed, every dropped item is
// counted (reason `filtered`), and a batch left empty is not handed on.
import type { Batch } from '../../pdata/batch.ts';
import type { InstrumentationScope, LogsData, MetricsData, Signal, TracesData } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import type { SelfMetrics } from '../../telemetry/metrics.ts';
import { compileCondition } from '../../match/condition.ts';
import { dataPointsOf } from '../../match/points.ts';
import { ConditionSet } from './condition-set.ts';
import type { FilterProcessorConfig } from './config.ts';

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
    const dropped = this.#signal === 'traces' ? this.#traces(batch.data as TracesData)
      : this.#signal === 'logs' ? this.#logs(batch.data as LogsData)
      : this.#metricsData(batch.data as MetricsData);
    if (dropped < 0) return this.#next.consume(batch);
    batch.mutableData();
    if (dropped > 0) this.#metrics.dropped(this.#component, this.#signal, 'filtered', dropped);
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

  // The three walks below return the items dropped, or -1 when nothing at all was removed.
  // Only what filtering empties is removed: a scope or resource that arrived empty stays.

  #traces(data: TracesData): number {
    const inc = this.#include;
    const exc = this.#exclude;
    let dropped = 0;
    let changed = false;
    const resources = data.resourceSpans;
    let rn = 0;
    for (let r = 0; r < resources.length; r++) {
      const rs = resources[r];
      const incPossible = inc === undefined || inc.resource(rs.resource) > 0;
      const excPossible = exc !== undefined && exc.resource(rs.resource) > 0;
      const scopes = rs.scopeSpans;
      const scopesBefore = scopes.length;
      let sn = 0;
      for (let s = 0; s < scopesBefore; s++) {
        const spans = scopes[s].spans;
        const before = spans.length;
        const verdict = this.#scopeVerdict(incPossible, excPossible, scopes[s].scope);
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
          dropped += before - n;
          spans.length = n;
        }
        if (n > 0 || before === 0) scopes[sn++] = scopes[s];
      }
      if (sn < scopesBefore) {
        changed = true;
        scopes.length = sn;
      }
      if (sn > 0 || scopesBefore === 0) resources[rn++] = rs;
    }
    if (rn < resources.length) resources.length = rn;
    return dropped > 0 || changed ? dropped : -1;
  }

  #logs(data: LogsData): number {
    const inc = this.#include;
    const exc = this.#exclude;
    let dropped = 0;
    let changed = false;
    const resources = data.resourceLogs;
    let rn = 0;
    for (let r = 0; r < resources.length; r++) {
      const rl = resources[r];
      const incPossible = inc === undefined || inc.resource(rl.resource) > 0;
      const excPossible = exc !== undefined && exc.resource(rl.resource) > 0;
      const scopes = rl.scopeLogs;
      const scopesBefore = scopes.length;
      let sn = 0;
      for (let s = 0; s < scopesBefore; s++) {
        const recs = scopes[s].logRecords;
        const before = recs.length;
        const verdict = this.#scopeVerdict(incPossible, excPossible, scopes[s].scope);
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
          dropped += before - n;
          recs.length = n;
        }
        if (n > 0 || before === 0) scopes[sn++] = scopes[s];
      }
      if (sn < scopesBefore) {
        changed = true;
        scopes.length = sn;
      }
      if (sn > 0 || scopesBefore === 0) resources[rn++] = rl;
    }
    if (rn < resources.length) resources.length = rn;
    return dropped > 0 || changed ? dropped : -1;
  }

  /** Metrics: the metric-name keys select metrics, `attributes` selects data points. */
  #metricsData(data: MetricsData): number {
    const inc = this.#include;
    const exc = this.#exclude;
    let dropped = 0;
    let changed = false;
    const resources = data.resourceMetrics;
    let rn = 0;
    for (let r = 0; r < resources.length; r++) {
      const rm = resources[r];
      const incPossible = inc === undefined || inc.resource(rm.resource) > 0;
      const excPossible = exc !== undefined && exc.resource(rm.resource) > 0;
      const scopes = rm.scopeMetrics;
      const scopesBefore = scopes.length;
      let sn = 0;
      for (let s = 0; s < scopesBefore; s++) {
        const metrics = scopes[s].metrics;
        const metricsBefore = metrics.length;
        const verdict = this.#scopeVerdict(incPossible, excPossible, scopes[s].scope);
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
        if (mn < metricsBefore) {
          changed = true;
          metrics.length = mn;
        }
        if (mn > 0 || metricsBefore === 0) scopes[sn++] = scopes[s];
      }
      if (sn < scopesBefore) {
        changed = true;
        scopes.length = sn;
      }
      if (sn > 0 || scopesBefore === 0) resources[rn++] = rm;
    }
    if (rn < resources.length) resources.length = rn;
    return dropped > 0 || changed ? dropped : -1;
  }
}

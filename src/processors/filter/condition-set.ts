// A list of conditions meaning "any of", evaluated down OTLP's hierarchy with flags kept in
// preallocated arrays: resource(), then scope() for each scope, then the record tests, which
// only look at the conditions still alive for the current scope. Nothing is allocated per
// record.
import type { Condition } from '../../match/condition.ts';
import type { InstrumentationScope, KeyValue, LogRecord, Metric, Resource, Span } from '../../pdata/types.ts';

export class ConditionSet {
  readonly #conds: readonly Condition[];
  readonly #resource: Uint8Array;
  readonly #live: Uint8Array;
  readonly #metric: Uint8Array;
  /** Conditions alive for the current scope (resource and scope matched). */
  live = 0;
  /** True when a live condition has no record-level key: every record of the scope matches. */
  all = false;

  constructor(conds: readonly Condition[]) {
    this.#conds = conds;
    this.#resource = new Uint8Array(conds.length);
    this.#live = new Uint8Array(conds.length);
    this.#metric = new Uint8Array(conds.length);
  }

  /** Evaluates the resource-level keys; returns how many conditions are still possible. */
  resource(r: Resource): number {
    let n = 0;
    for (let i = 0; i < this.#conds.length; i++) {
      const ok = this.#conds[i].matchResource(r);
      this.#resource[i] = ok ? 1 : 0;
      if (ok) n++;
    }
    return n;
  }

  /** Evaluates the scope-level keys; sets `live` and `all`. */
  scope(s: InstrumentationScope): void {
    let n = 0;
    let all = false;
    for (let i = 0; i < this.#conds.length; i++) {
      const ok = this.#resource[i] === 1 && this.#conds[i].matchScope(s);
      this.#live[i] = ok ? 1 : 0;
      if (ok) {
        n++;
        if (!this.#conds[i].levels.record) all = true;
      }
    }
    this.live = n;
    this.all = all;
  }

  /** No condition alive for the current scope (its resource matched none). */
  clear(): void {
    this.#live.fill(0);
    this.live = 0;
    this.all = false;
  }

  span(span: Span): boolean {
    for (let i = 0; i < this.#conds.length; i++) if (this.#live[i] === 1 && this.#conds[i].matchSpan(span)) return true;
    return false;
  }

  log(rec: LogRecord): boolean {
    for (let i = 0; i < this.#conds.length; i++) if (this.#live[i] === 1 && this.#conds[i].matchLog(rec)) return true;
    return false;
  }

  /** Evaluates the metric-name keys for a metric; returns whether any condition is still possible. */
  metric(m: Metric): boolean {
    let any = false;
    for (let i = 0; i < this.#conds.length; i++) {
      const ok = this.#live[i] === 1 && this.#conds[i].matchMetric(m);
      this.#metric[i] = ok ? 1 : 0;
      any ||= ok;
    }
    return any;
  }

  /** A data point of the current metric. */
  point(attrs: readonly KeyValue[]): boolean {
    for (let i = 0; i < this.#conds.length; i++) if (this.#metric[i] === 1 && this.#conds[i].matchDataPointAttributes(attrs)) return true;
    return false;
  }
}

// Splits one batch's data by conditions into per-target parts that keep OTLP's resource ->
// scope -> record structure. Used by the routing connector (targets are pipelines) and by the
// security guard (targets are "drop" and "keep").
//
// Resource- and scope-level tests run once per resource and scope; when no route that is
// still possible inside a scope inspects records, the whole scope goes one way without a
// per-record test. Records, resources and scopes are shared with the input, not copied: the
// caller decides who needs a copy of its own.
import type { Condition } from './condition.ts';
import type { LogRecord, Metric, Signal, SignalData, Span } from '../pdata/types.ts';
import { dataPointsOf } from '../pdata/points.ts';
import { SHAPES, type Shape } from '../pdata/shape.ts';
import { MIXED, scopeMask } from '../pdata/proto/scopes.ts';
import type { InstrumentationScope, Resource } from '../pdata/types.ts';

/** A route as the partitioner sees it: a condition and the targets (bit mask) it sends to. */
export interface PartitionRoute {
  cond: Condition;
  /** Bit i set: target i gets the records. */
  mask: number;
}

export interface Partition<S extends Signal> {
  /** Per target: its records, or undefined when it gets none. */
  parts: Array<SignalData[S] | undefined>;
  /** Per target: items (spans, log records, metric data points) in its part. */
  items: number[];
  /** Items that went to no target. */
  unrouted: number;
  /** The mask every record got, when they all got the same one; -1 when they differ or there are none. */
  uniform: number;
}

/** Most targets one partitioner serves: masks are 32-bit integers. */
export const MAX_TARGETS = 30;

/** How a record of each signal is tested; the structure is pdata's SHAPES. */
const MATCH: Record<Signal, (c: Condition, rec: unknown) => boolean> = {
  logs: (c, rec) => c.matchLog(rec as LogRecord),
  traces: (c, rec) => c.matchSpan(rec as Span),
  metrics: (c, rec) => matchMetric(c, rec as Metric),
};

/** A metric is routed whole: it matches when its name does and any of its data points has the attributes. */
function matchMetric(c: Condition, m: Metric): boolean {
  if (!c.matchMetric(m)) return false;
  const ps = dataPointsOf(m);
  if (ps.length === 0) return c.matchDataPointAttributes([]);
  for (let i = 0; i < ps.length; i++) if (c.matchDataPointAttributes(ps[i].attributes)) return true;
  return false;
}

/**
 * Splits data by routes. `matchOnce`: the first matching route takes a record; otherwise
 * every matching route does. Records no route takes go to `defaultMask` (0: nowhere).
 */
export class Partitioner<S extends Signal> {
  readonly #shape: Shape;
  readonly #match: (c: Condition, rec: unknown) => boolean;
  readonly #routes: readonly PartitionRoute[];
  readonly #defaultMask: number;
  readonly #matchOnce: boolean;
  readonly #targets: number;
  /** Per route: whether its condition inspects records at all (else the scope decides). */
  readonly #recordLevel: boolean[];
  // Scratch state reused across batches (a connector consumes batches one call at a time per
  // microtask; nothing here survives an await).
  readonly #resourceOk: Uint8Array;
  readonly #scopeOk: Uint8Array;
  /** No route inspects records: a batch of protobuf bytes can be routed by its scopes alone (uniformMaskOfProto). */
  readonly scopeLevel: boolean;
  readonly #wantResource: boolean;
  readonly #onResource = (res: Resource): void => {
    const routes = this.#routes;
    for (let i = 0; i < routes.length; i++) this.#resourceOk[i] = routes[i].cond.matchResource(res) ? 1 : 0;
  };
  readonly #onScope = (scope: InstrumentationScope): number => {
    const routes = this.#routes;
    for (let i = 0; i < routes.length; i++) this.#scopeOk[i] = this.#resourceOk[i] === 1 && routes[i].cond.matchScope(scope) ? 1 : 0;
    return this.#scopeMask();
  };

  constructor(signal: S, routes: readonly PartitionRoute[], defaultMask: number, matchOnce: boolean, targets: number) {
    if (targets > MAX_TARGETS) throw new Error(`at most ${MAX_TARGETS} target pipelines are supported; got ${targets}`);
    this.#shape = SHAPES[signal];
    this.#match = MATCH[signal];
    this.#routes = routes;
    this.#defaultMask = defaultMask;
    this.#matchOnce = matchOnce;
    this.#targets = targets;
    this.#recordLevel = routes.map((r) => r.cond.levels.record);
    this.#resourceOk = new Uint8Array(routes.length);
    this.#scopeOk = new Uint8Array(routes.length);
    this.scopeLevel = !this.#recordLevel.includes(true);
    this.#wantResource = routes.some((r) => r.cond.levels.resource);
  }

  /**
   * For a request still in protobuf bytes, when `scopeLevel`: the mask every record gets, read
   * from the resources and scopes without decoding a record, when they all get the same one;
   * MIXED (-1) when they differ or it cannot tell (then `split` the decoded data).
   */
  uniformMaskOfProto(bytes: Uint8Array): number {
    if (!this.scopeLevel) return MIXED;
    return scopeMask(bytes, this.#wantResource, this.#onResource, this.#onScope);
  }

  /** The mask one record gets, given which routes passed the resource and scope tests. */
  #maskOf(rec: unknown): number {
    const routes = this.#routes;
    const scopeOk = this.#scopeOk;
    let mask = 0;
    let matched = false;
    for (let i = 0; i < routes.length; i++) {
      if (scopeOk[i] === 0) continue;
      if (this.#recordLevel[i] && !this.#match(routes[i].cond, rec)) continue;
      mask |= routes[i].mask;
      matched = true;
      if (this.#matchOnce) break;
    }
    return matched ? mask : this.#defaultMask;
  }

  /** The mask every record of the current scope gets, or -1 when records must be tested one by one. */
  #scopeMask(): number {
    const routes = this.#routes;
    let mask = 0;
    let matched = false;
    for (let i = 0; i < routes.length; i++) {
      if (this.#scopeOk[i] === 0) continue;
      if (this.#recordLevel[i]) return -1;
      mask |= routes[i].mask;
      matched = true;
      if (this.#matchOnce) break;
    }
    return matched ? mask : this.#defaultMask;
  }

  split(data: SignalData[S]): Partition<S> {
    const shape = this.#shape;
    const routes = this.#routes;
    const n = this.#targets;
    const out: unknown[][] = Array.from({ length: n }, () => []);
    const items: number[] = new Array<number>(n).fill(0);
    const curScopes: Array<unknown[] | undefined> = new Array(n);
    const curRecs: Array<unknown[] | undefined> = new Array(n);
    let unrouted = 0;
    let uniform = -2; // -2: no record yet

    for (const r of shape.resources(data)) {
      const res = shape.resource(r);
      for (let i = 0; i < routes.length; i++) this.#resourceOk[i] = routes[i].cond.matchResource(res) ? 1 : 0;
      curScopes.fill(undefined);
      for (const s of shape.scopes(r)) {
        const scope = shape.scope(s);
        for (let i = 0; i < routes.length; i++) this.#scopeOk[i] = this.#resourceOk[i] === 1 && routes[i].cond.matchScope(scope) ? 1 : 0;
        curRecs.fill(undefined);
        const recs = shape.records(s);
        if (recs.length === 0) continue;
        const whole = this.#scopeMask();
        for (let k = 0; k < recs.length; k++) {
          const rec = recs[k];
          const mask = whole >= 0 ? whole : this.#maskOf(rec);
          uniform = uniform === -2 ? mask : uniform === mask ? uniform : -1;
          const w = shape.weight(rec);
          if (mask === 0) {
            unrouted += w;
            continue;
          }
          for (let t = 0; t < n; t++) {
            if ((mask & (1 << t)) === 0) continue;
            let list = curRecs[t];
            if (list === undefined) {
              list = curRecs[t] = [];
              let scopes = curScopes[t];
              if (scopes === undefined) {
                scopes = curScopes[t] = [];
                out[t].push(shape.withScopes(r, scopes));
              }
              scopes.push(shape.withRecords(s, list));
            }
            list.push(rec);
            items[t] += w;
          }
        }
      }
    }
    const parts = out.map((rs) => (rs.length > 0 ? (shape.data(rs) as SignalData[S]) : undefined));
    return { parts, items, unrouted, uniform: uniform < 0 ? -1 : uniform };
  }
}

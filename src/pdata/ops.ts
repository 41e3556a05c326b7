// Signal-generic operations on decoded data: count, copy, split, merge.
import type { LogsData, Metric, MetricsData, ResourceMetrics, ScopeMetrics, Signal, SignalData, TracesData } from './types.ts';
import { cloneData, cloneMetricHeader, cloneResource, cloneScope } from './clone.ts';
import { dataPointsOf, setDataPoints } from './points.ts';
import { SHAPES, type Shape } from './shape.ts';

export { countProtoItems } from './proto/count.ts';

/** Spans, metric data points, or log records. */
export function countItems<S extends Signal>(signal: S, data: SignalData[S]): number {
  let n = 0;
  if (signal === 'traces') {
    for (const rs of (data as TracesData).resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  } else if (signal === 'logs') {
    for (const rl of (data as LogsData).resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  } else {
    for (const rm of (data as MetricsData).resourceMetrics) {
      for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += metricPoints(m);
    }
  }
  return n;
}

function metricPoints(m: Metric): number {
  return dataPointsOf(m).length;
}

export { cloneData };

/**
 * Splits into pieces of at most `maxItems` items each, keeping resource and scope.
 * `maxItems` <= 0 means no limit (one piece). Records (spans, log records, data points) are
 * moved into the pieces, not copied: the input must not be used afterwards. A resource or
 * scope that lands in several pieces is copied for every piece after the first, so a
 * processor changing one piece's resource does not change the others'.
 */
export function splitData<S extends Signal>(signal: S, data: SignalData[S], maxItems: number): SignalData[S][] {
  if (maxItems <= 0 || countItems(signal, data) <= maxItems) return [data];
  if (signal === 'metrics') return splitMetrics(data as MetricsData, maxItems) as SignalData[S][];
  return splitRecords(data, maxItems, SHAPES[signal]);
}

/** Spans or log records into pieces of at most `max` (metrics split inside a metric: splitMetrics). */
function splitRecords<D>(data: D, max: number, shape: Shape): D[] {
  const pieces: D[] = [];
  let resources: unknown[] = [];
  let room = max;
  for (const r of shape.resources(data)) {
    let scopes: unknown[] = [];
    let resourceUsed = false;
    for (const s of shape.scopes(r)) {
      const items = shape.records(s);
      let scopeUsed = false;
      let at = 0;
      do {
        // A piece is closed only when another item needs room, so empty scopes stay attached.
        if (room === 0 && at < items.length) {
          if (scopes.length > 0) resources.push(shape.withScopes(r, scopes, resourceUsed ? cloneResource(shape.resource(r)) : undefined));
          resourceUsed = true;
          scopes = [];
          pieces.push(shape.data(resources) as D);
          resources = [];
          room = max;
        }
        const take = Math.min(room, items.length - at);
        scopes.push(shape.withRecords(s, items.slice(at, at + take), scopeUsed ? cloneScope(shape.scope(s)) : undefined));
        scopeUsed = true;
        at += take;
        room -= take;
      } while (at < items.length);
    }
    if (scopes.length > 0) resources.push(shape.withScopes(r, scopes, resourceUsed ? cloneResource(shape.resource(r)) : undefined));
  }
  if (resources.length > 0) pieces.push(shape.data(resources) as D);
  return pieces;
}

function splitMetrics(data: MetricsData, max: number): MetricsData[] {
  const pieces: MetricsData[] = [];
  let resources: ResourceMetrics[] = [];
  let room = max;
  for (const rm of data.resourceMetrics) {
    let scopes: ScopeMetrics[] = [];
    let resourceUsed = false;
    for (const sm of rm.scopeMetrics) {
      let metrics: Metric[] = [];
      let scopeUsed = false;
      for (const m of sm.metrics) {
        const total = metricPoints(m);
        let at = 0;
        let metricUsed = false;
        do {
          // A piece is closed only when another point needs room (empty metrics stay attached).
          if (room === 0 && at < total) {
            scopes.push({ scope: scopeUsed ? cloneScope(sm.scope) : sm.scope, metrics, schemaUrl: sm.schemaUrl });
            scopeUsed = true;
            metrics = [];
            resources.push({ resource: resourceUsed ? cloneResource(rm.resource) : rm.resource, scopeMetrics: scopes, schemaUrl: rm.schemaUrl });
            resourceUsed = true;
            scopes = [];
            pieces.push({ resourceMetrics: resources });
            resources = [];
            room = max;
          }
          const take = Math.min(room, total - at);
          metrics.push(take === total ? m : slicePoints(m, metricUsed, at, at + take));
          metricUsed = true;
          at += take;
          room -= take;
        } while (at < total);
      }
      scopes.push({ scope: scopeUsed ? cloneScope(sm.scope) : sm.scope, metrics, schemaUrl: sm.schemaUrl });
    }
    if (scopes.length > 0) resources.push({ resource: resourceUsed ? cloneResource(rm.resource) : rm.resource, scopeMetrics: scopes, schemaUrl: rm.schemaUrl });
  }
  if (resources.length > 0) pieces.push({ resourceMetrics: resources });
  return pieces;
}

/** A metric holding points [from, to) of `m`; the header is copied unless this is the first part. */
function slicePoints(m: Metric, copy: boolean, from: number, to: number): Metric {
  const c: Metric = copy ? cloneMetricHeader(m) : { ...cloneMetricHeader(m), metadata: m.metadata };
  setDataPoints(c, m, dataPointsOf(m).slice(from, to));
  return c;
}

/** Concatenates the resource lists of several batches (no copy of records). */
export function mergeData<S extends Signal>(signal: S, parts: SignalData[S][]): SignalData[S] {
  const shape = SHAPES[signal];
  return shape.data(parts.flatMap((p) => shape.resources(p))) as SignalData[S];
}

// Signal-generic operations on decoded data: count, copy, split, merge.
import type {
  LogsData,
  Metric,
  MetricsData,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  ScopeLogs,
  ScopeMetrics,
  ScopeSpans,
  Signal,
  SignalData,
  TracesData,
} from './types.ts';
import { cloneLogs, cloneMetricHeader, cloneMetrics, cloneResource, cloneScope, cloneTraces } from './clone.ts';

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
  if (m.gauge !== undefined) return m.gauge.dataPoints.length;
  if (m.sum !== undefined) return m.sum.dataPoints.length;
  if (m.histogram !== undefined) return m.histogram.dataPoints.length;
  if (m.exponentialHistogram !== undefined) return m.exponentialHistogram.dataPoints.length;
  if (m.summary !== undefined) return m.summary.dataPoints.length;
  return 0;
}

/** A deep copy. */
export function cloneData<S extends Signal>(signal: S, data: SignalData[S]): SignalData[S] {
  if (signal === 'traces') return cloneTraces(data as TracesData) as SignalData[S];
  if (signal === 'logs') return cloneLogs(data as LogsData) as SignalData[S];
  return cloneMetrics(data as MetricsData) as SignalData[S];
}

/**
 * Splits into pieces of at most `maxItems` items each, keeping resource and scope.
 * `maxItems` <= 0 means no limit (one piece). Records (spans, log records, data points) are
 * moved into the pieces, not copied: the input must not be used afterwards. A resource or
 * scope that lands in several pieces is copied for every piece after the first, so a
 * processor changing one piece's resource does not change the others'.
 */
export function splitData<S extends Signal>(signal: S, data: SignalData[S], maxItems: number): SignalData[S][] {
  if (maxItems <= 0 || countItems(signal, data) <= maxItems) return [data];
  if (signal === 'traces') return splitRecords(data as TracesData, maxItems, TRACES) as SignalData[S][];
  if (signal === 'logs') return splitRecords(data as LogsData, maxItems, LOGS) as SignalData[S][];
  return splitMetrics(data as MetricsData, maxItems) as SignalData[S][];
}

/** How to take apart and rebuild one signal's three levels (traces and logs share the walk). */
interface Shape<D, R, SC, I> {
  resources(d: D): R[];
  scopes(r: R): SC[];
  items(s: SC): I[];
  newData(rs: R[]): D;
  newResource(r: R, copy: boolean, scopes: SC[]): R;
  newScope(s: SC, copy: boolean, items: I[]): SC;
}

const TRACES: Shape<TracesData, ResourceSpans, ScopeSpans, unknown> = {
  resources: (d) => d.resourceSpans,
  scopes: (r) => r.scopeSpans,
  items: (s) => s.spans,
  newData: (resourceSpans) => ({ resourceSpans }),
  newResource: (r, copy, scopeSpans) => ({ resource: copy ? cloneResource(r.resource) : r.resource, scopeSpans, schemaUrl: r.schemaUrl }),
  newScope: (s, copy, spans) => ({ scope: copy ? cloneScope(s.scope) : s.scope, spans: spans as ScopeSpans['spans'], schemaUrl: s.schemaUrl }),
};

const LOGS: Shape<LogsData, ResourceLogs, ScopeLogs, unknown> = {
  resources: (d) => d.resourceLogs,
  scopes: (r) => r.scopeLogs,
  items: (s) => s.logRecords,
  newData: (resourceLogs) => ({ resourceLogs }),
  newResource: (r, copy, scopeLogs) => ({ resource: copy ? cloneResource(r.resource) : r.resource, scopeLogs, schemaUrl: r.schemaUrl }),
  newScope: (s, copy, logRecords) => ({ scope: copy ? cloneScope(s.scope) : s.scope, logRecords: logRecords as ScopeLogs['logRecords'], schemaUrl: s.schemaUrl }),
};

function splitRecords<D, R, SC, I>(data: D, max: number, shape: Shape<D, R, SC, I>): D[] {
  const pieces: D[] = [];
  let resources: R[] = [];
  let room = max;
  for (const r of shape.resources(data)) {
    let scopes: SC[] = [];
    let resourceUsed = false;
    for (const s of shape.scopes(r)) {
      const items = shape.items(s);
      let scopeUsed = false;
      let at = 0;
      do {
        // A piece is closed only when another item needs room, so empty scopes stay attached.
        if (room === 0 && at < items.length) {
          if (scopes.length > 0) resources.push(shape.newResource(r, resourceUsed, scopes));
          resourceUsed = true;
          scopes = [];
          pieces.push(shape.newData(resources));
          resources = [];
          room = max;
        }
        const take = Math.min(room, items.length - at);
        scopes.push(shape.newScope(s, scopeUsed, items.slice(at, at + take)));
        scopeUsed = true;
        at += take;
        room -= take;
      } while (at < items.length);
    }
    if (scopes.length > 0) resources.push(shape.newResource(r, resourceUsed, scopes));
  }
  if (resources.length > 0) pieces.push(shape.newData(resources));
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
  if (m.gauge !== undefined) c.gauge = { dataPoints: m.gauge.dataPoints.slice(from, to) };
  else if (m.sum !== undefined) c.sum = { ...m.sum, dataPoints: m.sum.dataPoints.slice(from, to) };
  else if (m.histogram !== undefined) c.histogram = { ...m.histogram, dataPoints: m.histogram.dataPoints.slice(from, to) };
  else if (m.exponentialHistogram !== undefined) {
    c.exponentialHistogram = { ...m.exponentialHistogram, dataPoints: m.exponentialHistogram.dataPoints.slice(from, to) };
  } else if (m.summary !== undefined) c.summary = { dataPoints: m.summary.dataPoints.slice(from, to) };
  return c;
}

/** Concatenates the resource lists of several batches (no copy of records). */
export function mergeData<S extends Signal>(signal: S, parts: SignalData[S][]): SignalData[S] {
  if (signal === 'traces') return { resourceSpans: (parts as TracesData[]).flatMap((p) => p.resourceSpans) } as SignalData[S];
  if (signal === 'logs') return { resourceLogs: (parts as LogsData[]).flatMap((p) => p.resourceLogs) } as SignalData[S];
  return { resourceMetrics: (parts as MetricsData[]).flatMap((p) => p.resourceMetrics) } as SignalData[S];
}

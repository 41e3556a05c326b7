import type { LogsData, Metric, MetricsData, Signal, SignalData, TracesData } from './types.ts';

/**
 * The first `max` records (spans, log records, data points) of `data`, as a new structure that
 * shares the records, resources and scopes with `data` (nothing is copied). For reading at
 * once, e.g. encoding a sample: the caller must not change it.
 */
export function headData<S extends Signal>(signal: S, data: SignalData[S], max: number): SignalData[S] {
  if (signal === 'traces') return headTraces(data as TracesData, max) as SignalData[S];
  if (signal === 'logs') return headLogs(data as LogsData, max) as SignalData[S];
  return headMetrics(data as MetricsData, max) as SignalData[S];
}

function headTraces(d: TracesData, max: number): TracesData {
  let left = max;
  const resourceSpans: TracesData['resourceSpans'] = [];
  for (const rs of d.resourceSpans) {
    if (left <= 0) break;
    const scopeSpans: typeof rs.scopeSpans = [];
    for (const ss of rs.scopeSpans) {
      if (left <= 0) break;
      const spans = ss.spans.length <= left ? ss.spans : ss.spans.slice(0, left);
      left -= spans.length;
      if (spans.length > 0) scopeSpans.push({ ...ss, spans });
    }
    if (scopeSpans.length > 0) resourceSpans.push({ ...rs, scopeSpans });
  }
  return { resourceSpans };
}

function headLogs(d: LogsData, max: number): LogsData {
  let left = max;
  const resourceLogs: LogsData['resourceLogs'] = [];
  for (const rl of d.resourceLogs) {
    if (left <= 0) break;
    const scopeLogs: typeof rl.scopeLogs = [];
    for (const sl of rl.scopeLogs) {
      if (left <= 0) break;
      const logRecords = sl.logRecords.length <= left ? sl.logRecords : sl.logRecords.slice(0, left);
      left -= logRecords.length;
      if (logRecords.length > 0) scopeLogs.push({ ...sl, logRecords });
    }
    if (scopeLogs.length > 0) resourceLogs.push({ ...rl, scopeLogs });
  }
  return { resourceLogs };
}

function headMetrics(d: MetricsData, max: number): MetricsData {
  let left = max;
  const resourceMetrics: MetricsData['resourceMetrics'] = [];
  for (const rm of d.resourceMetrics) {
    if (left <= 0) break;
    const scopeMetrics: typeof rm.scopeMetrics = [];
    for (const sm of rm.scopeMetrics) {
      if (left <= 0) break;
      const metrics: Metric[] = [];
      for (const m of sm.metrics) {
        if (left <= 0) break;
        const cut = headPoints(m, left);
        left -= cut.points;
        if (cut.points > 0) metrics.push(cut.metric);
      }
      if (metrics.length > 0) scopeMetrics.push({ ...sm, metrics });
    }
    if (scopeMetrics.length > 0) resourceMetrics.push({ ...rm, scopeMetrics });
  }
  return { resourceMetrics };
}

/** A metric with at most `max` of its points (the metric itself when it has no more). */
function headPoints(m: Metric, max: number): { metric: Metric; points: number } {
  const body = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
  if (body === undefined) return { metric: m, points: 0 };
  const points = body.dataPoints.length;
  if (points <= max) return { metric: m, points };
  const cut = { ...body, dataPoints: body.dataPoints.slice(0, max) };
  const metric: Metric = { ...m };
  if (m.gauge) metric.gauge = cut as typeof m.gauge;
  else if (m.sum) metric.sum = cut as typeof m.sum;
  else if (m.histogram) metric.histogram = cut as typeof m.histogram;
  else if (m.exponentialHistogram) metric.exponentialHistogram = cut as typeof m.exponentialHistogram;
  else metric.summary = cut as typeof m.summary;
  return { metric, points: max };
}

import type { Metric, MetricsData, Signal, SignalData } from './types.ts';
import { SHAPES, type Shape } from './shape.ts';

/**
 * The first `max` records (spans, log records, data points) of `data`, as a new structure that
 * shares the records, resources and scopes with `data` (nothing is copied). For reading at
 * once, e.g. encoding a sample: the caller must not change it.
 */
export function headData<S extends Signal>(signal: S, data: SignalData[S], max: number): SignalData[S] {
  if (signal === 'metrics') return headMetrics(data as MetricsData, max) as SignalData[S];
  return headRecords(SHAPES[signal], data, max) as SignalData[S];
}

/** Spans or log records: one record counts one. */
function headRecords(shape: Shape, d: unknown, max: number): unknown {
  let left = max;
  const resources: unknown[] = [];
  for (const r of shape.resources(d)) {
    if (left <= 0) break;
    const scopes: unknown[] = [];
    for (const s of shape.scopes(r)) {
      if (left <= 0) break;
      const all = shape.records(s);
      const records = all.length <= left ? all : all.slice(0, left);
      left -= records.length;
      if (records.length > 0) scopes.push(shape.withRecords(s, records));
    }
    if (scopes.length > 0) resources.push(shape.withScopes(r, scopes));
  }
  return shape.data(resources);
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

import type { KeyValue, Metric } from '../pdata/types.ts';

/** Any metric data point: all five kinds carry attributes. */
export interface AnyDataPoint {
  attributes: KeyValue[];
}

const NONE: AnyDataPoint[] = [];

/**
 * The data points of a metric, whatever its kind: the metric's own array (not a copy), so a
 * caller may change it in place (e.g. set its length after dropping some). An empty shared
 * array for a metric with no data (do not push to it).
 */
export function dataPointsOf(m: Metric): AnyDataPoint[] {
  if (m.gauge !== undefined) return m.gauge.dataPoints;
  if (m.sum !== undefined) return m.sum.dataPoints;
  if (m.histogram !== undefined) return m.histogram.dataPoints;
  if (m.exponentialHistogram !== undefined) return m.exponentialHistogram.dataPoints;
  if (m.summary !== undefined) return m.summary.dataPoints;
  return NONE;
}

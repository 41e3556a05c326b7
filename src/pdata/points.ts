// The data points of a metric, whatever its kind: written once, for every walk over metrics
// (item counts, splitting, conditions, processors that change attributes).
import type { ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint, SummaryDataPoint } from './types.ts';

export type DataPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

const NONE: DataPoint[] = [];

/**
 * The metric's own array of data points (not a copy), so a caller may change it in place
 * (e.g. set its length after dropping some). An empty shared array for a metric with no data
 * (do not push to it).
 */
export function dataPointsOf(m: Metric): DataPoint[] {
  if (m.gauge !== undefined) return m.gauge.dataPoints;
  if (m.sum !== undefined) return m.sum.dataPoints;
  if (m.histogram !== undefined) return m.histogram.dataPoints;
  if (m.exponentialHistogram !== undefined) return m.exponentialHistogram.dataPoints;
  if (m.summary !== undefined) return m.summary.dataPoints;
  return NONE;
}

/** Sets on `to` the data member of `from`'s kind (temporality, monotonicity kept), holding `points`. */
export function setDataPoints(to: Metric, from: Metric, points: DataPoint[]): void {
  if (from.gauge !== undefined) to.gauge = { dataPoints: points as NumberDataPoint[] };
  else if (from.sum !== undefined) to.sum = { ...from.sum, dataPoints: points as NumberDataPoint[] };
  else if (from.histogram !== undefined) to.histogram = { ...from.histogram, dataPoints: points as HistogramDataPoint[] };
  else if (from.exponentialHistogram !== undefined) to.exponentialHistogram = { ...from.exponentialHistogram, dataPoints: points as ExponentialHistogramDataPoint[] };
  else if (from.summary !== undefined) to.summary = { dataPoints: points as SummaryDataPoint[] };
}

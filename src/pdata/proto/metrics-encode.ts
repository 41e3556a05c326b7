// Encoder for opentelemetry/proto/metrics/v1 (field numbers: see metrics.ts); the data
// points are written by metric-points-encode.ts.
import type { Metric, MetricsData } from '../types.ts';
import * as w from './writer.ts';
import { encodeAttributes, encodeResource, encodeScope } from './common.ts';
import { encodeExpPoint, encodeHistogramPoint, encodeNumberPoint, encodeSummaryPoint } from './metric-points-encode.ts';

export function encodeMetricsData(data: MetricsData): void {
  const rms = data.resourceMetrics;
  for (let i = 0; i < rms.length; i++) {
    const rm = rms[i];
    const m = w.begin(10);
    encodeResource(10, rm.resource);
    for (let j = 0; j < rm.scopeMetrics.length; j++) {
      const sm = rm.scopeMetrics[j];
      const ms = w.begin(18);
      encodeScope(10, sm.scope);
      const metrics = sm.metrics;
      for (let k = 0; k < metrics.length; k++) encodeMetric(metrics[k]);
      if (sm.schemaUrl !== '') w.stringField(26, sm.schemaUrl);
      w.finish(ms);
    }
    if (rm.schemaUrl !== '') w.stringField(26, rm.schemaUrl);
    w.finish(m);
  }
}

function encodeMetric(m: Metric): void {
  const mm = w.begin(18);
  if (m.name !== '') w.stringField(10, m.name);
  if (m.description !== '') w.stringField(18, m.description);
  if (m.unit !== '') w.stringField(26, m.unit);
  // The data oneof is written when set, even when it holds no points.
  if (m.gauge !== undefined) {
    const g = w.begin(42);
    const pts = m.gauge.dataPoints;
    for (let i = 0; i < pts.length; i++) encodeNumberPoint(pts[i]);
    w.finish(g);
  } else if (m.sum !== undefined) {
    const s = w.begin(58);
    const pts = m.sum.dataPoints;
    for (let i = 0; i < pts.length; i++) encodeNumberPoint(pts[i]);
    if (m.sum.aggregationTemporality !== 0) w.int32Field(16, m.sum.aggregationTemporality);
    if (m.sum.isMonotonic) w.varintField(24, 1);
    w.finish(s);
  } else if (m.histogram !== undefined) {
    const h = w.begin(74);
    const pts = m.histogram.dataPoints;
    for (let i = 0; i < pts.length; i++) encodeHistogramPoint(pts[i]);
    if (m.histogram.aggregationTemporality !== 0) w.int32Field(16, m.histogram.aggregationTemporality);
    w.finish(h);
  } else if (m.exponentialHistogram !== undefined) {
    const h = w.begin(82);
    const pts = m.exponentialHistogram.dataPoints;
    for (let i = 0; i < pts.length; i++) encodeExpPoint(pts[i]);
    if (m.exponentialHistogram.aggregationTemporality !== 0) w.int32Field(16, m.exponentialHistogram.aggregationTemporality);
    w.finish(h);
  } else if (m.summary !== undefined) {
    const s = w.begin(90);
    const pts = m.summary.dataPoints;
    for (let i = 0; i < pts.length; i++) encodeSummaryPoint(pts[i]);
    w.finish(s);
  }
  encodeAttributes(98, m.metadata);
  w.finish(mm);
}

// Encoder for opentelemetry/proto/metrics/v1 (field numbers: see metrics.ts).
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
  ExponentialHistogramDataPoint,
} from '../types.ts';
import * as w from './writer.ts';
import { encodeAttributes, encodeResource, encodeScope } from './common.ts';

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

function encodeNumberPoint(p: NumberDataPoint): void {
  const m = w.begin(10);
  if (p.startTimeUnixNano !== 0n) w.fixed64Field(17, p.startTimeUnixNano);
  if (p.timeUnixNano !== 0n) w.fixed64Field(25, p.timeUnixNano);
  if (p.asDouble !== undefined) w.doubleField(33, p.asDouble);
  encodeExemplars(42, p.exemplars);
  if (p.asDouble === undefined && p.asInt !== undefined) w.sfixed64Field(49, p.asInt);
  encodeAttributes(58, p.attributes);
  if (p.flags !== 0) w.varintField(64, p.flags);
  w.finish(m);
}

function encodeHistogramPoint(p: HistogramDataPoint): void {
  const m = w.begin(10);
  if (p.startTimeUnixNano !== 0n) w.fixed64Field(17, p.startTimeUnixNano);
  if (p.timeUnixNano !== 0n) w.fixed64Field(25, p.timeUnixNano);
  if (p.count !== 0) w.fixed64NumberField(33, p.count);
  if (p.sum !== undefined) w.doubleField(41, p.sum);
  if (p.bucketCounts.length > 0) w.packedFixed64(50, p.bucketCounts);
  if (p.explicitBounds.length > 0) w.packedDouble(58, p.explicitBounds);
  encodeExemplars(66, p.exemplars);
  encodeAttributes(74, p.attributes);
  if (p.flags !== 0) w.varintField(80, p.flags);
  if (p.min !== undefined) w.doubleField(89, p.min);
  if (p.max !== undefined) w.doubleField(97, p.max);
  w.finish(m);
}

function encodeExpPoint(p: ExponentialHistogramDataPoint): void {
  const m = w.begin(10);
  encodeAttributes(10, p.attributes);
  if (p.startTimeUnixNano !== 0n) w.fixed64Field(17, p.startTimeUnixNano);
  if (p.timeUnixNano !== 0n) w.fixed64Field(25, p.timeUnixNano);
  if (p.count !== 0) w.fixed64NumberField(33, p.count);
  if (p.sum !== undefined) w.doubleField(41, p.sum);
  if (p.scale !== 0) w.sint32Field(48, p.scale);
  if (p.zeroCount !== 0) w.fixed64NumberField(57, p.zeroCount);
  encodeBuckets(66, p.positive);
  encodeBuckets(74, p.negative);
  if (p.flags !== 0) w.varintField(80, p.flags);
  encodeExemplars(90, p.exemplars);
  if (p.min !== undefined) w.doubleField(97, p.min);
  if (p.max !== undefined) w.doubleField(105, p.max);
  if (p.zeroThreshold !== 0) w.doubleField(113, p.zeroThreshold);
  w.finish(m);
}

function encodeBuckets(t: number, b: ExponentialHistogramBuckets): void {
  if (b.offset === 0 && b.bucketCounts.length === 0) return;
  const m = w.begin(t);
  if (b.offset !== 0) w.sint32Field(8, b.offset);
  if (b.bucketCounts.length > 0) w.packedVarint(18, b.bucketCounts);
  w.finish(m);
}

function encodeSummaryPoint(p: SummaryDataPoint): void {
  const m = w.begin(10);
  if (p.startTimeUnixNano !== 0n) w.fixed64Field(17, p.startTimeUnixNano);
  if (p.timeUnixNano !== 0n) w.fixed64Field(25, p.timeUnixNano);
  if (p.count !== 0) w.fixed64NumberField(33, p.count);
  if (p.sum !== 0) w.doubleField(41, p.sum);
  for (let i = 0; i < p.quantileValues.length; i++) {
    const q = p.quantileValues[i];
    const mq = w.begin(50);
    if (q.quantile !== 0) w.doubleField(9, q.quantile);
    if (q.value !== 0) w.doubleField(17, q.value);
    w.finish(mq);
  }
  encodeAttributes(58, p.attributes);
  if (p.flags !== 0) w.varintField(64, p.flags);
  w.finish(m);
}

function encodeExemplars(t: number, xs: Exemplar[]): void {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const m = w.begin(t);
    if (x.timeUnixNano !== 0n) w.fixed64Field(17, x.timeUnixNano);
    if (x.asDouble !== undefined) w.doubleField(25, x.asDouble);
    if (x.spanId !== '') w.hexField(34, x.spanId);
    if (x.traceId !== '') w.hexField(42, x.traceId);
    if (x.asDouble === undefined && x.asInt !== undefined) w.sfixed64Field(49, x.asInt);
    encodeAttributes(58, x.filteredAttributes);
    w.finish(m);
  }
}

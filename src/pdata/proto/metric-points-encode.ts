// Encoder for opentelemetry/proto/metrics/v1 data points and exemplars (field numbers: see
// metric-points.ts); metrics-encode.ts writes the levels above them.
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
  ExponentialHistogramDataPoint,
} from '../types.ts';
import * as w from './writer.ts';
import { encodeAttributes } from './common.ts';

export function encodeNumberPoint(p: NumberDataPoint): void {
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

export function encodeHistogramPoint(p: HistogramDataPoint): void {
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

export function encodeExpPoint(p: ExponentialHistogramDataPoint): void {
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

export function encodeSummaryPoint(p: SummaryDataPoint): void {
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

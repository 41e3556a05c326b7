// opentelemetry/proto/metrics/v1 (ExportMetricsServiceRequest = MetricsData on the wire).
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import type { Reader } from './reader.ts';
import {
  decodeKeyValue,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
} from './common.ts';

export function decodeMetricsData(r: Reader): MetricsData {
  const resourceMetrics: ResourceMetrics[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag === 10) resourceMetrics.push(decodeResourceMetrics(r, r.end())); // 1 resource_metrics
      else r.skip(tag & 7, tag >>> 3);
    }
  } catch (e) {
    throw withSegment(e, segment('resource_metrics', resourceMetrics.length));
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: Reader, end: number): ResourceMetrics {
  const rm: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) rm.scopeMetrics.push(decodeScopeMetrics(r, r.end())); // 2 scope_metrics
      else if (tag === 10) rm.resource = decodeResource(r, r.end()); // 1 resource
      else if (tag === 26) rm.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('scope_metrics', rm.scopeMetrics.length) : field === 1 ? 'resource' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return rm;
}

function decodeScopeMetrics(r: Reader, end: number): ScopeMetrics {
  const sm: ScopeMetrics = { scope: emptyScope(), metrics: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) sm.metrics.push(decodeMetric(r, r.end())); // 2 metrics
      else if (tag === 10) sm.scope = decodeScope(r, r.end()); // 1 scope
      else if (tag === 26) sm.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('metrics', sm.metrics.length) : field === 1 ? 'scope' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return sm;
}

const METRIC_FIELDS = ['', 'name', 'description', 'unit', '', 'gauge', '', 'sum', '', 'histogram', 'exponential_histogram', 'summary', 'metadata'];

export function newMetric(): Metric {
  return {
    name: '',
    description: '',
    unit: '',
    metadata: [],
    gauge: undefined,
    sum: undefined,
    histogram: undefined,
    exponentialHistogram: undefined,
    summary: undefined,
  };
}

function decodeMetric(r: Reader, end: number): Metric {
  const m = newMetric();
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 10: // 1 name
          m.name = r.string();
          break;
        case 18: // 2 description
          m.description = r.string();
          break;
        case 26: // 3 unit
          m.unit = r.string();
          break;
        case 42: // 5 gauge
          clearData(m);
          m.gauge = { dataPoints: decodePoints(r, r.end(), decodeNumberPoint) };
          break;
        case 58: {
          // 7 sum
          clearData(m);
          const e = r.end();
          const s = { dataPoints: [] as NumberDataPoint[], aggregationTemporality: 0, isMonotonic: false };
          while (r.pos < e) {
            const t = r.tag();
            if (t === 10) pushPoint(r, s.dataPoints, decodeNumberPoint);
            else if (t === 16) s.aggregationTemporality = r.int32();
            else if (t === 24) s.isMonotonic = r.bool();
            else r.skip(t & 7, t >>> 3);
          }
          r.checkEnd(e);
          m.sum = s;
          break;
        }
        case 74: // 9 histogram
          clearData(m);
          m.histogram = decodeWithTemporality(r, r.end(), decodeHistogramPoint);
          break;
        case 82: // 10 exponential_histogram
          clearData(m);
          m.exponentialHistogram = decodeWithTemporality(r, r.end(), decodeExpPoint);
          break;
        case 90: // 11 summary
          clearData(m);
          m.summary = { dataPoints: decodePoints(r, r.end(), decodeSummaryPoint) };
          break;
        case 98: // 12 metadata
          m.metadata.push(decodeKeyValue(r, r.end()));
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment(METRIC_FIELDS[field] || `field ${field}`, field === 12 ? m.metadata.length : -1));
  }
  return m;
}

/** The data oneof: a later member replaces an earlier one, as in protobuf. */
function clearData(m: Metric): void {
  m.gauge = undefined;
  m.sum = undefined;
  m.histogram = undefined;
  m.exponentialHistogram = undefined;
  m.summary = undefined;
}

type PointDecoder<P> = (r: Reader, end: number) => P;

function pushPoint<P>(r: Reader, points: P[], decode: PointDecoder<P>): void {
  try {
    points.push(decode(r, r.end()));
  } catch (e) {
    throw withSegment(e, segment('data_points', points.length));
  }
}

/** A Gauge or Summary body: only data_points (1). */
function decodePoints<P>(r: Reader, end: number, decode: PointDecoder<P>): P[] {
  const points: P[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === 10) pushPoint(r, points, decode);
    else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return points;
}

/** A Histogram or ExponentialHistogram body: data_points (1), aggregation_temporality (2). */
function decodeWithTemporality<P>(r: Reader, end: number, decode: PointDecoder<P>): { dataPoints: P[]; aggregationTemporality: number } {
  const out = { dataPoints: [] as P[], aggregationTemporality: 0 };
  while (r.pos < end) {
    const t = r.tag();
    if (t === 10) pushPoint(r, out.dataPoints, decode);
    else if (t === 16) out.aggregationTemporality = r.int32();
    else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return out;
}

function decodeNumberPoint(r: Reader, end: number): NumberDataPoint {
  const p: NumberDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    asDouble: undefined,
    asInt: undefined,
    exemplars: [],
    flags: 0,
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 58: // 7 attributes
          p.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 17: // 2 start_time_unix_nano
          p.startTimeUnixNano = r.fixed64();
          break;
        case 25: // 3 time_unix_nano
          p.timeUnixNano = r.fixed64();
          break;
        case 33: // 4 as_double
          p.asDouble = r.double();
          p.asInt = undefined;
          break;
        case 49: // 6 as_int (sfixed64)
          p.asInt = r.sfixed64();
          p.asDouble = undefined;
          break;
        case 42: // 5 exemplars
          p.exemplars.push(decodeExemplar(r, r.end()));
          break;
        case 64: // 8 flags
          p.flags = r.uint32();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, pointSegment(field, field === 7 ? p.attributes.length : field === 5 ? p.exemplars.length : -1, NUMBER_FIELDS));
  }
  return p;
}

const NUMBER_FIELDS = ['', '', 'start_time_unix_nano', 'time_unix_nano', 'as_double', 'exemplars', 'as_int', 'attributes', 'flags'];
const HISTOGRAM_FIELDS = [
  '', '', 'start_time_unix_nano', 'time_unix_nano', 'count', 'sum', 'bucket_counts', 'explicit_bounds', 'exemplars',
  'attributes', 'flags', 'min', 'max',
];
const EXP_FIELDS = [
  '', 'attributes', 'start_time_unix_nano', 'time_unix_nano', 'count', 'sum', 'scale', 'zero_count', 'positive',
  'negative', 'flags', 'exemplars', 'min', 'max', 'zero_threshold',
];
const SUMMARY_FIELDS = ['', '', 'start_time_unix_nano', 'time_unix_nano', 'count', 'sum', 'quantile_values', 'attributes', 'flags'];

function pointSegment(field: number, index: number, names: string[]): string {
  return segment(names[field] || `field ${field}`, index);
}

function decodeHistogramPoint(r: Reader, end: number): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
    min: undefined,
    max: undefined,
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 74: // 9 attributes
          p.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 17: // 2 start_time_unix_nano
          p.startTimeUnixNano = r.fixed64();
          break;
        case 25: // 3 time_unix_nano
          p.timeUnixNano = r.fixed64();
          break;
        case 33: // 4 count (fixed64)
          p.count = r.fixed64Number();
          break;
        case 41: // 5 sum (optional)
          p.sum = r.double();
          break;
        case 50: // 6 bucket_counts, packed
          readPackedFixed64(r, p.bucketCounts);
          break;
        case 49: // 6 bucket_counts, one value
          p.bucketCounts.push(r.fixed64Number());
          break;
        case 58: // 7 explicit_bounds, packed
          readPackedDouble(r, p.explicitBounds);
          break;
        case 57: // 7 explicit_bounds, one value
          p.explicitBounds.push(r.double());
          break;
        case 66: // 8 exemplars
          p.exemplars.push(decodeExemplar(r, r.end()));
          break;
        case 80: // 10 flags
          p.flags = r.uint32();
          break;
        case 89: // 11 min (optional)
          p.min = r.double();
          break;
        case 97: // 12 max (optional)
          p.max = r.double();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, pointSegment(field, field === 9 ? p.attributes.length : field === 8 ? p.exemplars.length : -1, HISTOGRAM_FIELDS));
  }
  return p;
}

function decodeExpPoint(r: Reader, end: number): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 10: // 1 attributes
          p.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 17: // 2 start_time_unix_nano
          p.startTimeUnixNano = r.fixed64();
          break;
        case 25: // 3 time_unix_nano
          p.timeUnixNano = r.fixed64();
          break;
        case 33: // 4 count (fixed64)
          p.count = r.fixed64Number();
          break;
        case 41: // 5 sum (optional)
          p.sum = r.double();
          break;
        case 48: // 6 scale (sint32)
          p.scale = r.sint32();
          break;
        case 57: // 7 zero_count (fixed64)
          p.zeroCount = r.fixed64Number();
          break;
        case 66: // 8 positive
          p.positive = decodeBuckets(r, r.end());
          break;
        case 74: // 9 negative
          p.negative = decodeBuckets(r, r.end());
          break;
        case 80: // 10 flags
          p.flags = r.uint32();
          break;
        case 90: // 11 exemplars
          p.exemplars.push(decodeExemplar(r, r.end()));
          break;
        case 97: // 12 min (optional)
          p.min = r.double();
          break;
        case 105: // 13 max (optional)
          p.max = r.double();
          break;
        case 113: // 14 zero_threshold
          p.zeroThreshold = r.double();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, pointSegment(field, field === 1 ? p.attributes.length : field === 11 ? p.exemplars.length : -1, EXP_FIELDS));
  }
  return p;
}

function decodeBuckets(r: Reader, end: number): ExponentialHistogramBuckets {
  const b: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 8) b.offset = r.sint32(); // 1 offset (sint32)
    else if (tag === 18) {
      // 2 bucket_counts (uint64), packed
      const e = r.end();
      while (r.pos < e) b.bucketCounts.push(r.uint64Number());
      r.checkEnd(e);
    } else if (tag === 16) b.bucketCounts.push(r.uint64Number()); // 2 bucket_counts, one value
    else r.skip(tag & 7, tag >>> 3);
  }
  r.checkEnd(end);
  return b;
}

function decodeSummaryPoint(r: Reader, end: number): SummaryDataPoint {
  const p: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 58: // 7 attributes
          p.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 17: // 2 start_time_unix_nano
          p.startTimeUnixNano = r.fixed64();
          break;
        case 25: // 3 time_unix_nano
          p.timeUnixNano = r.fixed64();
          break;
        case 33: // 4 count (fixed64)
          p.count = r.fixed64Number();
          break;
        case 41: // 5 sum
          p.sum = r.double();
          break;
        case 50: {
          // 6 quantile_values
          const e = r.end();
          const q = { quantile: 0, value: 0 };
          while (r.pos < e) {
            const t = r.tag();
            if (t === 9) q.quantile = r.double(); // 1 quantile
            else if (t === 17) q.value = r.double(); // 2 value
            else r.skip(t & 7, t >>> 3);
          }
          r.checkEnd(e);
          p.quantileValues.push(q);
          break;
        }
        case 64: // 8 flags
          p.flags = r.uint32();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, pointSegment(field, field === 7 ? p.attributes.length : field === 6 ? p.quantileValues.length : -1, SUMMARY_FIELDS));
  }
  return p;
}

const EXEMPLAR_FIELDS = ['', '', 'time_unix_nano', 'as_double', 'span_id', 'trace_id', 'as_int', 'filtered_attributes'];

function decodeExemplar(r: Reader, end: number): Exemplar {
  const x: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, asDouble: undefined, asInt: undefined, spanId: '', traceId: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 58: // 7 filtered_attributes
          x.filteredAttributes.push(decodeKeyValue(r, r.end()));
          break;
        case 17: // 2 time_unix_nano
          x.timeUnixNano = r.fixed64();
          break;
        case 25: // 3 as_double
          x.asDouble = r.double();
          x.asInt = undefined;
          break;
        case 49: // 6 as_int (sfixed64)
          x.asInt = r.sfixed64();
          x.asDouble = undefined;
          break;
        case 34: // 4 span_id
          x.spanId = r.hexId();
          break;
        case 42: // 5 trace_id
          x.traceId = r.hexId();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment(EXEMPLAR_FIELDS[field] || `field ${field}`, field === 7 ? x.filteredAttributes.length : -1));
  }
  return x;
}

function readPackedFixed64(r: Reader, out: number[]): void {
  const end = r.end();
  if ((end - r.pos) % 8 !== 0) throw r.fail(`packed fixed64 length ${end - r.pos} is not a multiple of 8`);
  while (r.pos < end) out.push(r.fixed64Number());
}

function readPackedDouble(r: Reader, out: number[]): void {
  const end = r.end();
  if ((end - r.pos) % 8 !== 0) throw r.fail(`packed double length ${end - r.pos} is not a multiple of 8`);
  while (r.pos < end) out.push(r.double());
}

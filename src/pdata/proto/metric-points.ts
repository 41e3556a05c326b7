// opentelemetry/proto/metrics/v1 data points: NumberDataPoint, HistogramDataPoint,
// ExponentialHistogramDataPoint (+ buckets), SummaryDataPoint (+ quantiles), Exemplar.
// The request/resource/scope/metric levels that call these are in metrics.ts.
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import type { Reader } from './reader.ts';
import { decodeKeyValue } from './common.ts';

export function decodeNumberPoint(r: Reader, end: number): NumberDataPoint {
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

export function decodeHistogramPoint(r: Reader, end: number): HistogramDataPoint {
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

export function decodeExpPoint(r: Reader, end: number): ExponentialHistogramDataPoint {
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

export function decodeSummaryPoint(r: Reader, end: number): SummaryDataPoint {
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

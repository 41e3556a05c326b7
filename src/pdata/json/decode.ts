// OTLP/JSON to the internal model. Accepts the lowerCamelCase names of the OTLP/JSON
// mapping and the original snake_case names (as protobuf JSON parsers do); unknown keys
// are ignored. A failure names the JSON path: `resourceSpans[0].scopeSpans[0].spans[2].traceId`.
import type {
  AnyValue,
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  LogRecord,
  LogsData,
  Metric,
  MetricsData,
  NumberDataPoint,
  Resource,
  Span,
  SummaryDataPoint,
  TracesData,
} from '../types.ts';
import { PathFail, withSegment } from '../decode-path.ts';
import {
  arr, base64, bool, dbl, enumValue, hexId, i32, i64, obj, str, u32, u64, u64Number,
  SEVERITIES, SPAN_KINDS, STATUS_CODES, TEMPORALITIES, type Obj,
} from './scalars.ts';

/** Same limit as the protobuf decoder. */
const MAX_DEPTH = 64;

function asObj(v: unknown): Obj {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  throw new PathFail(`expected an object, got ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}`);
}

/** The value under the camelCase name, else under the snake_case one. */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function list<T>(o: Obj, camel: string, snake: string, dec: (v: unknown) => T): T[] {
  const src = arr(get(o, camel, snake), camel);
  const out: T[] = new Array(src.length);
  for (let i = 0; i < src.length; i++) {
    try {
      out[i] = dec(src[i]);
    } catch (e) {
      throw withSegment(e, `${camel}[${i}]`);
    }
  }
  return out;
}

function sub<T>(o: Obj, camel: string, snake: string, dec: (v: Obj) => T, absent: T): T {
  const v = obj(get(o, camel, snake), camel);
  if (v === undefined) return absent;
  try {
    return dec(v);
  } catch (e) {
    throw withSegment(e, camel);
  }
}

// ---- common ----

let depth = 0;

function anyValue(v: unknown): AnyValue {
  const o = asObj(v);
  let x: unknown;
  if ((x = get(o, 'stringValue', 'string_value')) !== undefined) return { stringValue: str(x, 'stringValue') };
  if ((x = get(o, 'intValue', 'int_value')) !== undefined) return { intValue: i64(x, 'intValue') };
  if ((x = get(o, 'doubleValue', 'double_value')) !== undefined) return { doubleValue: dbl(x, 'doubleValue') };
  if ((x = get(o, 'boolValue', 'bool_value')) !== undefined) return { boolValue: bool(x, 'boolValue') };
  if ((x = get(o, 'arrayValue', 'array_value')) !== undefined) {
    const a = obj(x, 'arrayValue') ?? {};
    return { arrayValue: { values: nested(() => listNested(a, anyValue), 'arrayValue') } };
  }
  if ((x = get(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const a = obj(x, 'kvlistValue') ?? {};
    return { kvlistValue: { values: nested(() => listNested(a, keyValue), 'kvlistValue') } };
  }
  if ((x = get(o, 'bytesValue', 'bytes_value')) !== undefined) return { bytesValue: base64(x, 'bytesValue') };
  return {};
}

function listNested<T>(a: Obj, dec: (v: unknown) => T): T[] {
  return list(a, 'values', 'values', dec);
}

function nested<T>(f: () => T, field: string): T {
  // Checked before counting the level: a refused request must not leave the count raised
  // (it is shared by every decode, and each refusal would lower the limit for all).
  if (depth >= MAX_DEPTH) throw withSegment(new PathFail(`values nested deeper than ${MAX_DEPTH} levels`), field);
  depth++;
  try {
    return f();
  } catch (e) {
    throw withSegment(e, field);
  } finally {
    depth--;
  }
}

function keyValue(v: unknown): KeyValue {
  const o = asObj(v);
  return { key: str(o.key, 'key'), value: sub(o, 'value', 'value', anyValue, {}) };
}

const attributes = (o: Obj): KeyValue[] => list(o, 'attributes', 'attributes', keyValue);
const dropped = (o: Obj): number => u32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount');

function resource(o: Obj): Resource {
  return { attributes: attributes(o), droppedAttributesCount: dropped(o) };
}

function scope(o: Obj): InstrumentationScope {
  return { name: str(o.name, 'name'), version: str(o.version, 'version'), attributes: attributes(o), droppedAttributesCount: dropped(o) };
}

const noResource = (): Resource => ({ attributes: [], droppedAttributesCount: 0 });
const noScope = (): InstrumentationScope => ({ name: '', version: '', attributes: [], droppedAttributesCount: 0 });
const schemaUrl = (o: Obj): string => str(get(o, 'schemaUrl', 'schema_url'), 'schemaUrl');
const traceId = (o: Obj): string => hexId(get(o, 'traceId', 'trace_id'), 'traceId', 16);
const spanId = (o: Obj): string => hexId(get(o, 'spanId', 'span_id'), 'spanId', 8);
const time = (o: Obj): bigint => u64(get(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
const startTime = (o: Obj): bigint => u64(get(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');

// ---- traces ----

export function tracesData(o: Obj): TracesData {
  return {
    resourceSpans: list(o, 'resourceSpans', 'resource_spans', (v) => {
      const rs = asObj(v);
      return {
        resource: sub(rs, 'resource', 'resource', resource, noResource()),
        scopeSpans: list(rs, 'scopeSpans', 'scope_spans', (v2) => {
          const ss = asObj(v2);
          return { scope: sub(ss, 'scope', 'scope', scope, noScope()), spans: list(ss, 'spans', 'spans', span), schemaUrl: schemaUrl(ss) };
        }),
        schemaUrl: schemaUrl(rs),
      };
    }),
  };
}

function span(v: unknown): Span {
  const o = asObj(v);
  return {
    traceId: traceId(o),
    spanId: spanId(o),
    traceState: str(get(o, 'traceState', 'trace_state'), 'traceState'),
    parentSpanId: hexId(get(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId', 8),
    flags: u32(o.flags, 'flags'),
    name: str(o.name, 'name'),
    kind: enumValue(o.kind, 'kind', SPAN_KINDS),
    startTimeUnixNano: startTime(o),
    endTimeUnixNano: u64(get(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
    attributes: attributes(o),
    droppedAttributesCount: dropped(o),
    events: list(o, 'events', 'events', (e) => {
      const ev = asObj(e);
      return { timeUnixNano: time(ev), name: str(ev.name, 'name'), attributes: attributes(ev), droppedAttributesCount: dropped(ev) };
    }),
    droppedEventsCount: u32(get(o, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount'),
    links: list(o, 'links', 'links', (l) => {
      const lo = asObj(l);
      return {
        traceId: traceId(lo),
        spanId: spanId(lo),
        traceState: str(get(lo, 'traceState', 'trace_state'), 'traceState'),
        attributes: attributes(lo),
        droppedAttributesCount: dropped(lo),
        flags: u32(lo.flags, 'flags'),
      };
    }),
    droppedLinksCount: u32(get(o, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount'),
    status: sub(o, 'status', 'status', (s) => ({ message: str(s.message, 'message'), code: enumValue(s.code, 'code', STATUS_CODES) }), {
      message: '',
      code: 0,
    }),
  };
}

// ---- logs ----

export function logsData(o: Obj): LogsData {
  return {
    resourceLogs: list(o, 'resourceLogs', 'resource_logs', (v) => {
      const rl = asObj(v);
      return {
        resource: sub(rl, 'resource', 'resource', resource, noResource()),
        scopeLogs: list(rl, 'scopeLogs', 'scope_logs', (v2) => {
          const sl = asObj(v2);
          return { scope: sub(sl, 'scope', 'scope', scope, noScope()), logRecords: list(sl, 'logRecords', 'log_records', logRecord), schemaUrl: schemaUrl(sl) };
        }),
        schemaUrl: schemaUrl(rl),
      };
    }),
  };
}

function logRecord(v: unknown): LogRecord {
  const o = asObj(v);
  return {
    timeUnixNano: time(o),
    observedTimeUnixNano: u64(get(o, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano'),
    severityNumber: enumValue(get(o, 'severityNumber', 'severity_number'), 'severityNumber', SEVERITIES),
    severityText: str(get(o, 'severityText', 'severity_text'), 'severityText'),
    body: sub<AnyValue | undefined>(o, 'body', 'body', anyValue, undefined),
    attributes: attributes(o),
    droppedAttributesCount: dropped(o),
    flags: u32(o.flags, 'flags'),
    traceId: traceId(o),
    spanId: spanId(o),
    eventName: str(get(o, 'eventName', 'event_name'), 'eventName'),
  };
}

// ---- metrics ----

export function metricsData(o: Obj): MetricsData {
  return {
    resourceMetrics: list(o, 'resourceMetrics', 'resource_metrics', (v) => {
      const rm = asObj(v);
      return {
        resource: sub(rm, 'resource', 'resource', resource, noResource()),
        scopeMetrics: list(rm, 'scopeMetrics', 'scope_metrics', (v2) => {
          const sm = asObj(v2);
          return { scope: sub(sm, 'scope', 'scope', scope, noScope()), metrics: list(sm, 'metrics', 'metrics', metric), schemaUrl: schemaUrl(sm) };
        }),
        schemaUrl: schemaUrl(rm),
      };
    }),
  };
}

const temporality = (o: Obj): number => enumValue(get(o, 'aggregationTemporality', 'aggregation_temporality'), 'aggregationTemporality', TEMPORALITIES);
const points = <T>(o: Obj, dec: (v: unknown) => T): T[] => list(o, 'dataPoints', 'data_points', dec);

function metric(v: unknown): Metric {
  const o = asObj(v);
  const m: Metric = {
    name: str(o.name, 'name'),
    description: str(o.description, 'description'),
    unit: str(o.unit, 'unit'),
    metadata: list(o, 'metadata', 'metadata', keyValue),
    gauge: undefined,
    sum: undefined,
    histogram: undefined,
    exponentialHistogram: undefined,
    summary: undefined,
  };
  // The data oneof: the first member present is taken.
  if (obj(o.gauge, 'gauge') !== undefined) m.gauge = sub(o, 'gauge', 'gauge', (g) => ({ dataPoints: points(g, numberPoint) }), undefined);
  else if (obj(o.sum, 'sum') !== undefined) {
    m.sum = sub(o, 'sum', 'sum', (s) => ({ dataPoints: points(s, numberPoint), aggregationTemporality: temporality(s), isMonotonic: bool(get(s, 'isMonotonic', 'is_monotonic'), 'isMonotonic') }), undefined);
  } else if (obj(o.histogram, 'histogram') !== undefined) {
    m.histogram = sub(o, 'histogram', 'histogram', (h) => ({ dataPoints: points(h, histogramPoint), aggregationTemporality: temporality(h) }), undefined);
  } else if (obj(get(o, 'exponentialHistogram', 'exponential_histogram'), 'exponentialHistogram') !== undefined) {
    m.exponentialHistogram = sub(o, 'exponentialHistogram', 'exponential_histogram', (h) => ({ dataPoints: points(h, expPoint), aggregationTemporality: temporality(h) }), undefined);
  } else if (obj(o.summary, 'summary') !== undefined) {
    m.summary = sub(o, 'summary', 'summary', (s) => ({ dataPoints: points(s, summaryPoint) }), undefined);
  }
  return m;
}

const optDouble = (v: unknown, field: string): number | undefined => (v === undefined || v === null ? undefined : dbl(v, field));
const optInt = (v: unknown, field: string): bigint | undefined => (v === undefined || v === null ? undefined : i64(v, field));
const exemplars = (o: Obj): Exemplar[] => list(o, 'exemplars', 'exemplars', exemplar);

function exemplar(v: unknown): Exemplar {
  const o = asObj(v);
  const asDouble = optDouble(get(o, 'asDouble', 'as_double'), 'asDouble');
  return {
    filteredAttributes: list(o, 'filteredAttributes', 'filtered_attributes', keyValue),
    timeUnixNano: time(o),
    asDouble,
    asInt: asDouble === undefined ? optInt(get(o, 'asInt', 'as_int'), 'asInt') : undefined,
    spanId: spanId(o),
    traceId: traceId(o),
  };
}

function numberPoint(v: unknown): NumberDataPoint {
  const o = asObj(v);
  const asDouble = optDouble(get(o, 'asDouble', 'as_double'), 'asDouble');
  return {
    attributes: attributes(o),
    startTimeUnixNano: startTime(o),
    timeUnixNano: time(o),
    asDouble,
    asInt: asDouble === undefined ? optInt(get(o, 'asInt', 'as_int'), 'asInt') : undefined,
    exemplars: exemplars(o),
    flags: u32(o.flags, 'flags'),
  };
}

function numbers<T>(o: Obj, camel: string, snake: string, read: (v: unknown, field: string) => T): T[] {
  return list(o, camel, snake, (v) => read(v, ''));
}

function histogramPoint(v: unknown): HistogramDataPoint {
  const o = asObj(v);
  return {
    attributes: attributes(o),
    startTimeUnixNano: startTime(o),
    timeUnixNano: time(o),
    count: u64Number(o.count, 'count'),
    sum: optDouble(o.sum, 'sum'),
    bucketCounts: numbers(o, 'bucketCounts', 'bucket_counts', u64Number),
    explicitBounds: numbers(o, 'explicitBounds', 'explicit_bounds', dbl),
    exemplars: exemplars(o),
    flags: u32(o.flags, 'flags'),
    min: optDouble(o.min, 'min'),
    max: optDouble(o.max, 'max'),
  };
}

function buckets(o: Obj): ExponentialHistogramBuckets {
  return { offset: i32(o.offset, 'offset'), bucketCounts: numbers(o, 'bucketCounts', 'bucket_counts', u64Number) };
}

function expPoint(v: unknown): ExponentialHistogramDataPoint {
  const o = asObj(v);
  return {
    attributes: attributes(o),
    startTimeUnixNano: startTime(o),
    timeUnixNano: time(o),
    count: u64Number(o.count, 'count'),
    sum: optDouble(o.sum, 'sum'),
    scale: i32(o.scale, 'scale'),
    zeroCount: u64Number(get(o, 'zeroCount', 'zero_count'), 'zeroCount'),
    positive: sub(o, 'positive', 'positive', buckets, { offset: 0, bucketCounts: [] }),
    negative: sub(o, 'negative', 'negative', buckets, { offset: 0, bucketCounts: [] }),
    flags: u32(o.flags, 'flags'),
    exemplars: exemplars(o),
    min: optDouble(o.min, 'min'),
    max: optDouble(o.max, 'max'),
    zeroThreshold: dbl(get(o, 'zeroThreshold', 'zero_threshold'), 'zeroThreshold'),
  };
}

function summaryPoint(v: unknown): SummaryDataPoint {
  const o = asObj(v);
  return {
    attributes: attributes(o),
    startTimeUnixNano: startTime(o),
    timeUnixNano: time(o),
    count: u64Number(o.count, 'count'),
    sum: dbl(o.sum, 'sum'),
    quantileValues: list(o, 'quantileValues', 'quantile_values', (q) => {
      const qo = asObj(q);
      return { quantile: dbl(qo.quantile, 'quantile'), value: dbl(qo.value, 'value') };
    }),
    flags: u32(o.flags, 'flags'),
  };
}

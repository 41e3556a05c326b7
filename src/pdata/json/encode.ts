// The internal model to OTLP/JSON, on one line. Like the Collector's file exporter output:
// lowerCamelCase keys, ids as lowercase hex, enums as numbers, 64-bit integers as decimal
// strings, default values left out except where presence matters (oneof members and proto3
// `optional` fields such as histogram min/max/sum, which are written even when 0).
//
// Each writer returns the object's fields as `,"k":v,"k2":v2` (leading comma); obj() wraps.
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
import { writeDouble } from './scalars.ts';

const q = JSON.stringify as (s: string) => string;

function obj(fields: string): string {
  return fields === '' ? '{}' : `{${fields.slice(1)}}`;
}

function list<T>(key: string, items: T[], write: (item: T) => string): string {
  if (items.length === 0) return '';
  let s = `,"${key}":[`;
  for (let i = 0; i < items.length; i++) s += (i === 0 ? '' : ',') + write(items[i]);
  return s + ']';
}

const strField = (key: string, v: string): string => (v === '' ? '' : `,"${key}":${q(v)}`);
const numField = (key: string, v: number): string => (v === 0 ? '' : `,"${key}":${v}`);
const u64Field = (key: string, v: bigint): string => (v === 0n ? '' : `,"${key}":"${v}"`);
const countField = (key: string, v: number): string => (v === 0 ? '' : `,"${key}":"${v}"`);
const dblField = (key: string, v: number): string => (v === 0 ? '' : `,"${key}":${writeDouble(v)}`);
const optDblField = (key: string, v: number | undefined): string => (v === undefined ? '' : `,"${key}":${writeDouble(v)}`);

export function anyValue(v: AnyValue): string {
  if (v.stringValue !== undefined) return `{"stringValue":${q(v.stringValue)}}`;
  if (v.intValue !== undefined) return `{"intValue":"${v.intValue}"}`;
  if (v.doubleValue !== undefined) return `{"doubleValue":${writeDouble(v.doubleValue)}}`;
  if (v.boolValue !== undefined) return v.boolValue ? '{"boolValue":true}' : '{"boolValue":false}';
  if (v.arrayValue !== undefined) return `{"arrayValue":${obj(list('values', v.arrayValue.values, anyValue))}}`;
  if (v.kvlistValue !== undefined) return `{"kvlistValue":${obj(list('values', v.kvlistValue.values, keyValue))}}`;
  if (v.bytesValue !== undefined) return `{"bytesValue":"${Buffer.from(v.bytesValue.buffer, v.bytesValue.byteOffset, v.bytesValue.byteLength).toString('base64')}"}`;
  return '{}';
}

function keyValue(kv: KeyValue): string {
  return `{"key":${q(kv.key)},"value":${anyValue(kv.value)}}`;
}

const attrs = (kvs: KeyValue[], key = 'attributes'): string => list(key, kvs, keyValue);

function resource(t: Resource): string {
  const f = attrs(t.attributes) + numField('droppedAttributesCount', t.droppedAttributesCount);
  return f === '' ? '' : `,"resource":${obj(f)}`;
}

function scope(s: InstrumentationScope): string {
  const f = strField('name', s.name) + strField('version', s.version) + attrs(s.attributes) + numField('droppedAttributesCount', s.droppedAttributesCount);
  return f === '' ? '' : `,"scope":${obj(f)}`;
}

// ---- traces ----

export function tracesData(d: TracesData): string {
  return obj(
    list('resourceSpans', d.resourceSpans, (rs) =>
      obj(
        resource(rs.resource) +
          list('scopeSpans', rs.scopeSpans, (ss) => obj(scope(ss.scope) + list('spans', ss.spans, span) + strField('schemaUrl', ss.schemaUrl))) +
          strField('schemaUrl', rs.schemaUrl),
      ),
    ),
  );
}

function span(s: Span): string {
  const st = s.status;
  const status = st.message === '' && st.code === 0 ? '' : `,"status":${obj(strField('message', st.message) + numField('code', st.code))}`;
  return obj(
    strField('traceId', s.traceId) +
      strField('spanId', s.spanId) +
      strField('traceState', s.traceState) +
      strField('parentSpanId', s.parentSpanId) +
      numField('flags', s.flags) +
      strField('name', s.name) +
      numField('kind', s.kind) +
      u64Field('startTimeUnixNano', s.startTimeUnixNano) +
      u64Field('endTimeUnixNano', s.endTimeUnixNano) +
      attrs(s.attributes) +
      numField('droppedAttributesCount', s.droppedAttributesCount) +
      list('events', s.events, (e) =>
        obj(u64Field('timeUnixNano', e.timeUnixNano) + strField('name', e.name) + attrs(e.attributes) + numField('droppedAttributesCount', e.droppedAttributesCount)),
      ) +
      numField('droppedEventsCount', s.droppedEventsCount) +
      list('links', s.links, (l) =>
        obj(
          strField('traceId', l.traceId) +
            strField('spanId', l.spanId) +
            strField('traceState', l.traceState) +
            attrs(l.attributes) +
            numField('droppedAttributesCount', l.droppedAttributesCount) +
            numField('flags', l.flags),
        ),
      ) +
      numField('droppedLinksCount', s.droppedLinksCount) +
      status,
  );
}

// ---- logs ----

export function logsData(d: LogsData): string {
  return obj(
    list('resourceLogs', d.resourceLogs, (rl) =>
      obj(
        resource(rl.resource) +
          list('scopeLogs', rl.scopeLogs, (sl) => obj(scope(sl.scope) + list('logRecords', sl.logRecords, logRecord) + strField('schemaUrl', sl.schemaUrl))) +
          strField('schemaUrl', rl.schemaUrl),
      ),
    ),
  );
}

function logRecord(r: LogRecord): string {
  return obj(
    u64Field('timeUnixNano', r.timeUnixNano) +
      u64Field('observedTimeUnixNano', r.observedTimeUnixNano) +
      numField('severityNumber', r.severityNumber) +
      strField('severityText', r.severityText) +
      (r.body === undefined ? '' : `,"body":${anyValue(r.body)}`) +
      attrs(r.attributes) +
      numField('droppedAttributesCount', r.droppedAttributesCount) +
      numField('flags', r.flags) +
      strField('traceId', r.traceId) +
      strField('spanId', r.spanId) +
      strField('eventName', r.eventName),
  );
}

// ---- metrics ----

export function metricsData(d: MetricsData): string {
  return obj(
    list('resourceMetrics', d.resourceMetrics, (rm) =>
      obj(
        resource(rm.resource) +
          list('scopeMetrics', rm.scopeMetrics, (sm) => obj(scope(sm.scope) + list('metrics', sm.metrics, metric) + strField('schemaUrl', sm.schemaUrl))) +
          strField('schemaUrl', rm.schemaUrl),
      ),
    ),
  );
}

function metric(m: Metric): string {
  let data = '';
  if (m.gauge !== undefined) data = `,"gauge":${obj(list('dataPoints', m.gauge.dataPoints, numberPoint))}`;
  else if (m.sum !== undefined) {
    const s = m.sum;
    data = `,"sum":${obj(list('dataPoints', s.dataPoints, numberPoint) + numField('aggregationTemporality', s.aggregationTemporality) + (s.isMonotonic ? ',"isMonotonic":true' : ''))}`;
  } else if (m.histogram !== undefined) {
    const h = m.histogram;
    data = `,"histogram":${obj(list('dataPoints', h.dataPoints, histogramPoint) + numField('aggregationTemporality', h.aggregationTemporality))}`;
  } else if (m.exponentialHistogram !== undefined) {
    const h = m.exponentialHistogram;
    data = `,"exponentialHistogram":${obj(list('dataPoints', h.dataPoints, expPoint) + numField('aggregationTemporality', h.aggregationTemporality))}`;
  } else if (m.summary !== undefined) data = `,"summary":${obj(list('dataPoints', m.summary.dataPoints, summaryPoint))}`;
  return obj(strField('name', m.name) + strField('description', m.description) + strField('unit', m.unit) + data + attrs(m.metadata, 'metadata'));
}

function exemplar(x: Exemplar): string {
  return obj(
    attrs(x.filteredAttributes, 'filteredAttributes') +
      u64Field('timeUnixNano', x.timeUnixNano) +
      optDblField('asDouble', x.asDouble) +
      (x.asDouble === undefined && x.asInt !== undefined ? `,"asInt":"${x.asInt}"` : '') +
      strField('spanId', x.spanId) +
      strField('traceId', x.traceId),
  );
}

const times = (p: { startTimeUnixNano: bigint; timeUnixNano: bigint }): string =>
  u64Field('startTimeUnixNano', p.startTimeUnixNano) + u64Field('timeUnixNano', p.timeUnixNano);

function numberPoint(p: NumberDataPoint): string {
  return obj(
    attrs(p.attributes) +
      times(p) +
      optDblField('asDouble', p.asDouble) +
      (p.asDouble === undefined && p.asInt !== undefined ? `,"asInt":"${p.asInt}"` : '') +
      list('exemplars', p.exemplars, exemplar) +
      numField('flags', p.flags),
  );
}

const doubles = (key: string, v: number[]): string => (v.length === 0 ? '' : `,"${key}":[${v.map(writeDouble).join(',')}]`);
const counts = (key: string, v: number[]): string => (v.length === 0 ? '' : `,"${key}":[${v.map((c) => `"${c}"`).join(',')}]`);

function histogramPoint(p: HistogramDataPoint): string {
  return obj(
    attrs(p.attributes) +
      times(p) +
      countField('count', p.count) +
      optDblField('sum', p.sum) +
      counts('bucketCounts', p.bucketCounts) +
      doubles('explicitBounds', p.explicitBounds) +
      list('exemplars', p.exemplars, exemplar) +
      numField('flags', p.flags) +
      optDblField('min', p.min) +
      optDblField('max', p.max),
  );
}

function buckets(key: string, b: ExponentialHistogramBuckets): string {
  if (b.offset === 0 && b.bucketCounts.length === 0) return '';
  return `,"${key}":${obj(numField('offset', b.offset) + counts('bucketCounts', b.bucketCounts))}`;
}

function expPoint(p: ExponentialHistogramDataPoint): string {
  return obj(
    attrs(p.attributes) +
      times(p) +
      countField('count', p.count) +
      optDblField('sum', p.sum) +
      numField('scale', p.scale) +
      countField('zeroCount', p.zeroCount) +
      buckets('positive', p.positive) +
      buckets('negative', p.negative) +
      numField('flags', p.flags) +
      list('exemplars', p.exemplars, exemplar) +
      optDblField('min', p.min) +
      optDblField('max', p.max) +
      dblField('zeroThreshold', p.zeroThreshold),
  );
}

function summaryPoint(p: SummaryDataPoint): string {
  return obj(
    attrs(p.attributes) +
      times(p) +
      countField('count', p.count) +
      dblField('sum', p.sum) +
      list('quantileValues', p.quantileValues, (v) => obj(dblField('quantile', v.quantile) + dblField('value', v.value))) +
      numField('flags', p.flags),
  );
}

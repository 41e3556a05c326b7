// The internal model to OTLP/JSON, on one line. Like the Collector's file exporter output:
// lowerCamelCase keys, ids as lowercase hex, enums as numbers, 64-bit integers as decimal
// strings, default values left out except where presence matters (oneof members and proto3
// `optional` fields such as histogram min/max/sum, which are written even when 0).
//
// The output is appended straight to one string (`out`): no per-object field strings that
// are sliced and wrapped afterwards (slicing a concatenated string copies it, once per
// nesting level). An object starts with the separator `c = '{'`; each field appender writes
// `c` before its key and returns ','; close() writes '}' or, when no field was written, '{}'.
// Keys are passed with their quotes and colon ('"name":').
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
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  Signal,
  SignalData,
  Span,
  SpanEvent,
  SpanLink,
  SummaryDataPoint,
  TracesData,
} from '../types.ts';
import { writeDouble } from './scalars.ts';

let out = '';

/** Takes the finished document (and lets the encoder's buffer go). */
function take(): string {
  const s = out;
  out = '';
  return s;
}

const q = JSON.stringify as (s: string) => string;
/** Past this length a string is checked with one regex instead of a loop. */
const LOOP_MAX = 48;
// Anything JSON.stringify could escape (controls, '"', '\\', lone surrogates) sends the string
// there; non-ASCII is sent there too, which costs a little for non-ASCII text and keeps this simple.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/** A JSON string literal, byte-for-byte what JSON.stringify writes. */
function str(s: string): string {
  const n = s.length;
  if (n > LOOP_MAX) return NEEDS_ESCAPE.test(s) ? q(s) : '"' + s + '"';
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) return q(s);
  }
  return '"' + s + '"';
}

function close(c: string): void {
  out += c === '{' ? '{}' : '}';
}

function strF(c: string, key: string, v: string): string {
  if (v === '') return c;
  out += c + key + str(v);
  return ',';
}

function numF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + v;
  return ',';
}

function u64F(c: string, key: string, v: bigint): string {
  if (v === 0n) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

function countF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

function dblF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + writeDouble(v);
  return ',';
}

function optDblF(c: string, key: string, v: number | undefined): string {
  if (v === undefined) return c;
  out += c + key + writeDouble(v);
  return ',';
}

function writeAnyValue(v: AnyValue): void {
  if (v.stringValue !== undefined) out += '{"stringValue":' + str(v.stringValue) + '}';
  else if (v.intValue !== undefined) out += '{"intValue":"' + v.intValue + '"}';
  else if (v.doubleValue !== undefined) out += '{"doubleValue":' + writeDouble(v.doubleValue) + '}';
  else if (v.boolValue !== undefined) out += v.boolValue ? '{"boolValue":true}' : '{"boolValue":false}';
  else if (v.arrayValue !== undefined) {
    const values = v.arrayValue.values;
    if (values.length === 0) out += '{"arrayValue":{}}';
    else {
      out += '{"arrayValue":{"values":[';
      for (let i = 0; i < values.length; i++) {
        if (i !== 0) out += ',';
        writeAnyValue(values[i]);
      }
      out += ']}}';
    }
  } else if (v.kvlistValue !== undefined) {
    const values = v.kvlistValue.values;
    if (values.length === 0) out += '{"kvlistValue":{}}';
    else {
      out += '{"kvlistValue":{';
      writeKeyValues('"values":', values);
      out += '}}';
    }
  } else if (v.bytesValue !== undefined) {
    const b = v.bytesValue;
    out += '{"bytesValue":"' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') + '"}';
  } else out += '{}';
}

/** One AnyValue as OTLP/JSON. */
export function anyValue(v: AnyValue): string {
  const saved = out;
  out = '';
  writeAnyValue(v);
  const s = out;
  out = saved;
  return s;
}

/** `key:[{"key":..,"value":..},...]` for a non-empty list (no separator before it). */
function writeKeyValues(key: string, kvs: KeyValue[]): void {
  out += key + '[';
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    out += (i === 0 ? '{"key":' : ',{"key":') + str(kv.key) + ',"value":';
    writeAnyValue(kv.value);
    out += '}';
  }
  out += ']';
}

function attrsF(c: string, key: string, kvs: KeyValue[]): string {
  if (kvs.length === 0) return c;
  out += c;
  writeKeyValues(key, kvs);
  return ',';
}

function resourceF(c: string, r: Resource): string {
  if (r.attributes.length === 0 && r.droppedAttributesCount === 0) return c;
  out += c + '"resource":';
  let f = attrsF('{', '"attributes":', r.attributes);
  f = numF(f, '"droppedAttributesCount":', r.droppedAttributesCount);
  close(f);
  return ',';
}

function scopeF(c: string, s: InstrumentationScope): string {
  if (s.name === '' && s.version === '' && s.attributes.length === 0 && s.droppedAttributesCount === 0) return c;
  out += c + '"scope":';
  let f = strF('{', '"name":', s.name);
  f = strF(f, '"version":', s.version);
  f = attrsF(f, '"attributes":', s.attributes);
  f = numF(f, '"droppedAttributesCount":', s.droppedAttributesCount);
  close(f);
  return ',';
}

/** `key:[...]` written by `write` per item, when there are items. */
function listF<T>(c: string, key: string, items: T[], write: (item: T) => void): string {
  if (items.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < items.length; i++) {
    if (i !== 0) out += ',';
    write(items[i]);
  }
  out += ']';
  return ',';
}

// ---- traces ----

export function tracesData(d: TracesData): string {
  out = '';
  const rss = d.resourceSpans;
  if (rss.length === 0) return '{}';
  out = '{"resourceSpans":[';
  for (let i = 0; i < rss.length; i++) {
    if (i !== 0) out += ',';
    resourceSpans(rss[i]);
  }
  out += ']}';
  return take();
}

function resourceSpans(rs: ResourceSpans): void {
  let c = resourceF('{', rs.resource);
  const sss = rs.scopeSpans;
  if (sss.length !== 0) {
    out += c + '"scopeSpans":[';
    for (let j = 0; j < sss.length; j++) {
      if (j !== 0) out += ',';
      const ss = sss[j];
      let f = scopeF('{', ss.scope);
      const spans = ss.spans;
      if (spans.length !== 0) {
        out += f + '"spans":[';
        for (let k = 0; k < spans.length; k++) {
          if (k !== 0) out += ',';
          span(spans[k]);
        }
        out += ']';
        f = ',';
      }
      close(strF(f, '"schemaUrl":', ss.schemaUrl));
    }
    out += ']';
    c = ',';
  }
  close(strF(c, '"schemaUrl":', rs.schemaUrl));
}

function span(s: Span): void {
  let c = strF('{', '"traceId":', s.traceId);
  c = strF(c, '"spanId":', s.spanId);
  c = strF(c, '"traceState":', s.traceState);
  c = strF(c, '"parentSpanId":', s.parentSpanId);
  c = numF(c, '"flags":', s.flags);
  c = strF(c, '"name":', s.name);
  c = numF(c, '"kind":', s.kind);
  c = u64F(c, '"startTimeUnixNano":', s.startTimeUnixNano);
  c = u64F(c, '"endTimeUnixNano":', s.endTimeUnixNano);
  c = attrsF(c, '"attributes":', s.attributes);
  c = numF(c, '"droppedAttributesCount":', s.droppedAttributesCount);
  c = listF(c, '"events":', s.events, event);
  c = numF(c, '"droppedEventsCount":', s.droppedEventsCount);
  c = listF(c, '"links":', s.links, link);
  c = numF(c, '"droppedLinksCount":', s.droppedLinksCount);
  const st = s.status;
  if (st.message !== '' || st.code !== 0) {
    out += c + '"status":';
    close(numF(strF('{', '"message":', st.message), '"code":', st.code));
    c = ',';
  }
  close(c);
}

function event(e: SpanEvent): void {
  let c = u64F('{', '"timeUnixNano":', e.timeUnixNano);
  c = strF(c, '"name":', e.name);
  c = attrsF(c, '"attributes":', e.attributes);
  close(numF(c, '"droppedAttributesCount":', e.droppedAttributesCount));
}

function link(l: SpanLink): void {
  let c = strF('{', '"traceId":', l.traceId);
  c = strF(c, '"spanId":', l.spanId);
  c = strF(c, '"traceState":', l.traceState);
  c = attrsF(c, '"attributes":', l.attributes);
  c = numF(c, '"droppedAttributesCount":', l.droppedAttributesCount);
  close(numF(c, '"flags":', l.flags));
}

// ---- logs ----

export function logsData(d: LogsData): string {
  out = '';
  const rls = d.resourceLogs;
  if (rls.length === 0) return '{}';
  out = '{"resourceLogs":[';
  for (let i = 0; i < rls.length; i++) {
    if (i !== 0) out += ',';
    resourceLogs(rls[i]);
  }
  out += ']}';
  return take();
}

function resourceLogs(rl: ResourceLogs): void {
  let c = resourceF('{', rl.resource);
  const sls = rl.scopeLogs;
  if (sls.length !== 0) {
    out += c + '"scopeLogs":[';
    for (let j = 0; j < sls.length; j++) {
      if (j !== 0) out += ',';
      const sl = sls[j];
      let f = scopeF('{', sl.scope);
      const records = sl.logRecords;
      if (records.length !== 0) {
        out += f + '"logRecords":[';
        for (let k = 0; k < records.length; k++) {
          if (k !== 0) out += ',';
          logRecord(records[k]);
        }
        out += ']';
        f = ',';
      }
      close(strF(f, '"schemaUrl":', sl.schemaUrl));
    }
    out += ']';
    c = ',';
  }
  close(strF(c, '"schemaUrl":', rl.schemaUrl));
}

function logRecord(r: LogRecord): void {
  let c = u64F('{', '"timeUnixNano":', r.timeUnixNano);
  c = u64F(c, '"observedTimeUnixNano":', r.observedTimeUnixNano);
  c = numF(c, '"severityNumber":', r.severityNumber);
  c = strF(c, '"severityText":', r.severityText);
  if (r.body !== undefined) {
    out += c + '"body":';
    writeAnyValue(r.body);
    c = ',';
  }
  c = attrsF(c, '"attributes":', r.attributes);
  c = numF(c, '"droppedAttributesCount":', r.droppedAttributesCount);
  c = numF(c, '"flags":', r.flags);
  c = strF(c, '"traceId":', r.traceId);
  c = strF(c, '"spanId":', r.spanId);
  close(strF(c, '"eventName":', r.eventName));
}

// ---- metrics ----

export function metricsData(d: MetricsData): string {
  out = '';
  const rms = d.resourceMetrics;
  if (rms.length === 0) return '{}';
  out = '{"resourceMetrics":[';
  for (let i = 0; i < rms.length; i++) {
    if (i !== 0) out += ',';
    resourceMetrics(rms[i]);
  }
  out += ']}';
  return take();
}

function resourceMetrics(rm: ResourceMetrics): void {
  let c = resourceF('{', rm.resource);
  const sms = rm.scopeMetrics;
  if (sms.length !== 0) {
    out += c + '"scopeMetrics":[';
    for (let j = 0; j < sms.length; j++) {
      if (j !== 0) out += ',';
      const sm = sms[j];
      let f = scopeF('{', sm.scope);
      f = listF(f, '"metrics":', sm.metrics, metric);
      close(strF(f, '"schemaUrl":', sm.schemaUrl));
    }
    out += ']';
    c = ',';
  }
  close(strF(c, '"schemaUrl":', rm.schemaUrl));
}

// ---- one request in pieces ----

/**
 * Writes one request from several pieces of decoded data (each holding some of its resources,
 * in order): the same text as encoding their concatenation. Each piece is written to its own
 * string, so the many small strings a piece is built from die young instead of living in one
 * rope until the whole request is done (on 8192-span requests that rope and the decoded
 * objects were promoted and collected by full GCs).
 */
export class PieceWriter {
  readonly #head: string;
  readonly #parts: string[] = [];

  constructor(signal: Signal) {
    this.#head = signal === 'traces' ? '{"resourceSpans":[' : signal === 'metrics' ? '{"resourceMetrics":[' : '{"resourceLogs":[';
  }

  add(signal: Signal, data: SignalData[Signal]): void {
    out = '';
    let first = this.#parts.length === 0;
    if (signal === 'traces') {
      for (const r of (data as TracesData).resourceSpans) {
        if (!first) out += ',';
        first = false;
        resourceSpans(r);
      }
    } else if (signal === 'metrics') {
      for (const r of (data as MetricsData).resourceMetrics) {
        if (!first) out += ',';
        first = false;
        resourceMetrics(r);
      }
    } else {
      for (const r of (data as LogsData).resourceLogs) {
        if (!first) out += ',';
        first = false;
        resourceLogs(r);
      }
    }
    const piece = take();
    if (piece === '') return;
    piece.charCodeAt(0); // V8 flattens a concatenated string on its first indexed read
    this.#parts.push(piece);
  }

  finish(): string {
    return this.#parts.length === 0 ? '{}' : this.#head + this.#parts.join('') + ']}';
  }
}

function metric(m: Metric): void {
  let c = strF('{', '"name":', m.name);
  c = strF(c, '"description":', m.description);
  c = strF(c, '"unit":', m.unit);
  if (m.gauge !== undefined) {
    out += c + '"gauge":';
    close(listF('{', '"dataPoints":', m.gauge.dataPoints, numberPoint));
    c = ',';
  } else if (m.sum !== undefined) {
    const s = m.sum;
    out += c + '"sum":';
    let f = listF('{', '"dataPoints":', s.dataPoints, numberPoint);
    f = numF(f, '"aggregationTemporality":', s.aggregationTemporality);
    if (s.isMonotonic) {
      out += f + '"isMonotonic":true';
      f = ',';
    }
    close(f);
    c = ',';
  } else if (m.histogram !== undefined) {
    const h = m.histogram;
    out += c + '"histogram":';
    close(numF(listF('{', '"dataPoints":', h.dataPoints, histogramPoint), '"aggregationTemporality":', h.aggregationTemporality));
    c = ',';
  } else if (m.exponentialHistogram !== undefined) {
    const h = m.exponentialHistogram;
    out += c + '"exponentialHistogram":';
    close(numF(listF('{', '"dataPoints":', h.dataPoints, expPoint), '"aggregationTemporality":', h.aggregationTemporality));
    c = ',';
  } else if (m.summary !== undefined) {
    out += c + '"summary":';
    close(listF('{', '"dataPoints":', m.summary.dataPoints, summaryPoint));
    c = ',';
  }
  close(attrsF(c, '"metadata":', m.metadata));
}

/** asDouble, or asInt when asDouble is unset (exactly one is written). */
function numberValueF(c: string, asDouble: number | undefined, asInt: bigint | undefined): string {
  if (asDouble !== undefined) {
    out += c + '"asDouble":' + writeDouble(asDouble);
    return ',';
  }
  if (asInt === undefined) return c;
  out += c + '"asInt":"' + asInt + '"';
  return ',';
}

function exemplar(x: Exemplar): void {
  let c = attrsF('{', '"filteredAttributes":', x.filteredAttributes);
  c = u64F(c, '"timeUnixNano":', x.timeUnixNano);
  c = numberValueF(c, x.asDouble, x.asInt);
  c = strF(c, '"spanId":', x.spanId);
  close(strF(c, '"traceId":', x.traceId));
}

function pointStartF(p: { attributes: KeyValue[]; startTimeUnixNano: bigint; timeUnixNano: bigint }): string {
  const c = attrsF('{', '"attributes":', p.attributes);
  return u64F(u64F(c, '"startTimeUnixNano":', p.startTimeUnixNano), '"timeUnixNano":', p.timeUnixNano);
}

function numberPoint(p: NumberDataPoint): void {
  let c = pointStartF(p);
  c = numberValueF(c, p.asDouble, p.asInt);
  c = listF(c, '"exemplars":', p.exemplars, exemplar);
  close(numF(c, '"flags":', p.flags));
}

function doublesF(c: string, key: string, v: number[]): string {
  if (v.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + writeDouble(v[i]);
  out += ']';
  return ',';
}

function countsF(c: string, key: string, v: number[]): string {
  if (v.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '"' : ',"') + v[i] + '"';
  out += ']';
  return ',';
}

function histogramPoint(p: HistogramDataPoint): void {
  let c = pointStartF(p);
  c = countF(c, '"count":', p.count);
  c = optDblF(c, '"sum":', p.sum);
  c = countsF(c, '"bucketCounts":', p.bucketCounts);
  c = doublesF(c, '"explicitBounds":', p.explicitBounds);
  c = listF(c, '"exemplars":', p.exemplars, exemplar);
  c = numF(c, '"flags":', p.flags);
  c = optDblF(c, '"min":', p.min);
  close(optDblF(c, '"max":', p.max));
}

function bucketsF(c: string, key: string, b: ExponentialHistogramBuckets): string {
  if (b.offset === 0 && b.bucketCounts.length === 0) return c;
  out += c + key;
  close(countsF(numF('{', '"offset":', b.offset), '"bucketCounts":', b.bucketCounts));
  return ',';
}

function expPoint(p: ExponentialHistogramDataPoint): void {
  let c = pointStartF(p);
  c = countF(c, '"count":', p.count);
  c = optDblF(c, '"sum":', p.sum);
  c = numF(c, '"scale":', p.scale);
  c = countF(c, '"zeroCount":', p.zeroCount);
  c = bucketsF(c, '"positive":', p.positive);
  c = bucketsF(c, '"negative":', p.negative);
  c = numF(c, '"flags":', p.flags);
  c = listF(c, '"exemplars":', p.exemplars, exemplar);
  c = optDblF(c, '"min":', p.min);
  c = optDblF(c, '"max":', p.max);
  close(dblF(c, '"zeroThreshold":', p.zeroThreshold));
}

function summaryPoint(p: SummaryDataPoint): void {
  let c = pointStartF(p);
  c = countF(c, '"count":', p.count);
  c = dblF(c, '"sum":', p.sum);
  const qs = p.quantileValues;
  if (qs.length !== 0) {
    out += c + '"quantileValues":[';
    for (let i = 0; i < qs.length; i++) {
      if (i !== 0) out += ',';
      close(dblF(dblF('{', '"quantile":', qs[i].quantile), '"value":', qs[i].value));
    }
    out += ']';
    c = ',';
  }
  close(numF(c, '"flags":', p.flags));
}

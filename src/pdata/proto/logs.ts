// opentelemetry/proto/logs/v1 (ExportLogsServiceRequest = LogsData on the wire).
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import type { Reader } from './reader.ts';
import * as w from './writer.ts';
import {
  decodeAnyValue,
  decodeKeyValue,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  encodeAnyValue,
  encodeAttributes,
  encodeResource,
  encodeScope,
} from './common.ts';

// ---- decode ----

export function decodeLogsData(r: Reader): LogsData {
  const resourceLogs: ResourceLogs[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag === 10) resourceLogs.push(decodeResourceLogs(r, r.end())); // 1 resource_logs
      else r.skip(tag & 7, tag >>> 3);
    }
  } catch (e) {
    throw withSegment(e, segment('resource_logs', resourceLogs.length));
  }
  return { resourceLogs };
}

function decodeResourceLogs(r: Reader, end: number): ResourceLogs {
  const rl: ResourceLogs = { resource: emptyResource(), scopeLogs: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) rl.scopeLogs.push(decodeScopeLogs(r, r.end())); // 2 scope_logs
      else if (tag === 10) rl.resource = decodeResource(r, r.end()); // 1 resource
      else if (tag === 26) rl.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('scope_logs', rl.scopeLogs.length) : field === 1 ? 'resource' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return rl;
}

function decodeScopeLogs(r: Reader, end: number): ScopeLogs {
  const sl: ScopeLogs = { scope: emptyScope(), logRecords: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) sl.logRecords.push(decodeLogRecord(r, r.end())); // 2 log_records
      else if (tag === 10) sl.scope = decodeScope(r, r.end()); // 1 scope
      else if (tag === 26) sl.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('log_records', sl.logRecords.length) : field === 1 ? 'scope' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return sl;
}

const LOG_FIELDS = [
  '', 'time_unix_nano', 'severity_number', 'severity_text', 'field 4', 'body', 'attributes', 'dropped_attributes_count',
  'flags', 'trace_id', 'span_id', 'observed_time_unix_nano', 'event_name',
];

function decodeLogRecord(r: Reader, end: number): LogRecord {
  const lr: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: undefined,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 50: // 6 attributes
          lr.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 9: // 1 time_unix_nano (fixed64)
          lr.timeUnixNano = r.fixed64();
          break;
        case 16: // 2 severity_number
          lr.severityNumber = r.int32();
          break;
        case 26: // 3 severity_text
          lr.severityText = r.string();
          break;
        case 42: // 5 body
          lr.body = decodeAnyValue(r, r.end());
          break;
        case 56: // 7 dropped_attributes_count
          lr.droppedAttributesCount = r.uint32();
          break;
        case 69: // 8 flags (fixed32)
          lr.flags = r.fixed32();
          break;
        case 74: // 9 trace_id
          lr.traceId = r.hexId();
          break;
        case 82: // 10 span_id
          lr.spanId = r.hexId();
          break;
        case 89: // 11 observed_time_unix_nano (fixed64)
          lr.observedTimeUnixNano = r.fixed64();
          break;
        case 98: // 12 event_name
          lr.eventName = r.string();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment(LOG_FIELDS[field] ?? `field ${field}`, field === 6 ? lr.attributes.length : -1));
  }
  return lr;
}

// ---- encode ----

export function encodeLogsData(data: LogsData): void {
  const rls = data.resourceLogs;
  for (let i = 0; i < rls.length; i++) {
    const rl = rls[i];
    const m = w.begin(10);
    encodeResource(10, rl.resource);
    for (let j = 0; j < rl.scopeLogs.length; j++) {
      const sl = rl.scopeLogs[j];
      const ms = w.begin(18);
      encodeScope(10, sl.scope);
      const records = sl.logRecords;
      for (let k = 0; k < records.length; k++) encodeLogRecord(records[k]);
      if (sl.schemaUrl !== '') w.stringField(26, sl.schemaUrl);
      w.finish(ms);
    }
    if (rl.schemaUrl !== '') w.stringField(26, rl.schemaUrl);
    w.finish(m);
  }
}

function encodeLogRecord(lr: LogRecord): void {
  const m = w.begin(18);
  if (lr.timeUnixNano !== 0n) w.fixed64Field(9, lr.timeUnixNano);
  if (lr.severityNumber !== 0) w.int32Field(16, lr.severityNumber);
  if (lr.severityText !== '') w.stringField(26, lr.severityText);
  if (lr.body !== undefined) {
    const mb = w.begin(42);
    encodeAnyValue(lr.body);
    w.finish(mb);
  }
  encodeAttributes(50, lr.attributes);
  if (lr.droppedAttributesCount !== 0) w.varintField(56, lr.droppedAttributesCount);
  if (lr.flags !== 0) w.fixed32Field(69, lr.flags);
  if (lr.traceId !== '') w.hexField(74, lr.traceId);
  if (lr.spanId !== '') w.hexField(82, lr.spanId);
  if (lr.observedTimeUnixNano !== 0n) w.fixed64Field(89, lr.observedTimeUnixNano);
  if (lr.eventName !== '') w.stringField(98, lr.eventName);
  w.finish(m);
}

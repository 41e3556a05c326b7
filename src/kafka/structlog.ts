import type { AnyValue, KeyValue, LogRecord, LogsData } from '../pdata/types.ts';
import { DecodeError } from '../pdata/errors.ts';

// The `json` log encoding: one JSON object per message, as Python's structlog writes it
// (JSONRenderer after TimeStamper(fmt="iso") and add_log_level / add_logger_name):
//   {"timestamp": "2026-11-28T09:00:00.123456Z", "level": "info", "logger": "genrf.security",
//    "event": "login failed", "user": "x"}
// `logger` becomes the instrumentation scope name (so routing on `genrf.security` works),
// `event` (or `message`) the body, `level` the severity, every other key an attribute.
// JSON has one number type: integral numbers come back as ints, others as doubles.

const SEVERITY: Record<string, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  exception: 17,
  critical: 21,
  fatal: 21,
};
const SEVERITY_NAMES = ['', 'trace', 'debug', 'info', 'warning', 'error', 'critical'];
const RESERVED = new Set(['timestamp', 'level', 'logger', 'event', 'message']);
const ISO_RE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;

function timestampNanos(v: unknown): bigint {
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.round(v * 1e6)) * 1000n; // epoch seconds
  if (typeof v !== 'string') return 0n;
  const m = ISO_RE.exec(v);
  if (m === null) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? 0n : BigInt(ms) * 1_000_000n;
  }
  const ms = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  if (Number.isNaN(ms)) return 0n;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

export function toAnyValue(v: unknown): AnyValue {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'number':
      return Number.isInteger(v) ? { intValue: BigInt(v) } : { doubleValue: v };
    case 'object':
      if (v === null) return {};
      if (Array.isArray(v)) return { arrayValue: { values: v.map(toAnyValue) } };
      return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: toAnyValue(value) })) } };
    default:
      return { stringValue: String(v) };
  }
}

/** Decodes one structlog JSON object into a one-record LogsData. Throws DecodeError. */
export function decodeStructlog(bytes: Uint8Array): LogsData {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new DecodeError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new DecodeError('a json log message must be one JSON object (as structlog writes it)');
  }
  const o = obj as Record<string, unknown>;
  const attributes: KeyValue[] = [];
  for (const key in o) if (!RESERVED.has(key)) attributes.push({ key, value: toAnyValue(o[key]) });
  const level = typeof o.level === 'string' ? o.level : '';
  const body = o.event ?? o.message;
  const record: LogRecord = {
    timeUnixNano: timestampNanos(o.timestamp),
    observedTimeUnixNano: 0n,
    severityNumber: SEVERITY[level.toLowerCase()] ?? 0,
    severityText: level,
    body: body === undefined ? undefined : toAnyValue(body),
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: typeof o.logger === 'string' ? o.logger : '', version: '', attributes: [], droppedAttributesCount: 0 },
            logRecords: [record],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/** An AnyValue as JSON text (bigints as JSON numbers, bytes as base64). */
export function anyValueJson(v: AnyValue | undefined): string {
  if (v === undefined) return 'null';
  if (v.stringValue !== undefined) return JSON.stringify(v.stringValue);
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.intValue !== undefined) return v.intValue.toString();
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? JSON.stringify(v.doubleValue) : JSON.stringify(String(v.doubleValue));
  if (v.bytesValue !== undefined) return JSON.stringify(Buffer.from(v.bytesValue).toString('base64'));
  if (v.arrayValue !== undefined) return `[${v.arrayValue.values.map(anyValueJson).join(',')}]`;
  if (v.kvlistValue !== undefined) return `{${v.kvlistValue.values.map((kv) => `${JSON.stringify(kv.key)}:${anyValueJson(kv.value)}`).join(',')}}`;
  return 'null';
}

function isoNanos(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}

/** One log record as a structlog-style JSON object (the inverse of decodeStructlog). */
export function encodeStructlog(scopeName: string, r: LogRecord): string {
  const level = r.severityText !== '' ? r.severityText : (SEVERITY_NAMES[Math.ceil(r.severityNumber / 4)] ?? '');
  let out = `{"timestamp":${JSON.stringify(isoNanos(r.timeUnixNano || r.observedTimeUnixNano))}`;
  if (level !== '') out += `,"level":${JSON.stringify(level)}`;
  if (scopeName !== '') out += `,"logger":${JSON.stringify(scopeName)}`;
  if (r.body !== undefined) out += `,"event":${anyValueJson(r.body)}`;
  for (const kv of r.attributes) if (!RESERVED.has(kv.key)) out += `,${JSON.stringify(kv.key)}:${anyValueJson(kv.value)}`;
  return `${out}}`;
}

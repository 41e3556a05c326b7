import type { AnyValue, KeyValue } from '../../pdata/types.ts';

// Conversions from the OTLP model to JSON values for documents. JSON has no bigint: 64-bit
// integers become numbers when they are exact, else decimal strings (Elasticsearch parses
// both into a long field).

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

export function intToJson(v: bigint): number | string {
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v.toString();
}

export function anyValueToJson(v: AnyValue | undefined): unknown {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return intToJson(v.intValue);
  if (v.doubleValue !== undefined) return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
  if (v.arrayValue !== undefined) {
    const values = v.arrayValue.values;
    const out = new Array<unknown>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = anyValueToJson(values[i]);
    return out;
  }
  if (v.kvlistValue !== undefined) return attributesToObject(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

/** Attributes as an object; keys in `skip` are left out (they were lifted elsewhere). */
export function attributesToObject(kvs: readonly KeyValue[], skip?: ReadonlySet<string>, into: Record<string, unknown> = {}): Record<string, unknown> {
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    if (skip?.has(kv.key)) continue;
    into[kv.key] = anyValueToJson(kv.value);
  }
  return into;
}

/** The string value of attribute `key`, or undefined. */
export function stringAttr(kvs: readonly KeyValue[], key: string): string | undefined {
  for (let i = 0; i < kvs.length; i++) {
    if (kvs[i].key === key) return kvs[i].value.stringValue;
  }
  return undefined;
}

/** Nanoseconds since the epoch as an ISO-8601 date (millisecond precision, as a `date` field keeps). */
export function nanosToIso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** The record's time: its own, else when it was observed, else now. */
export function logTime(timeUnixNano: bigint, observedTimeUnixNano: bigint): bigint {
  if (timeUnixNano !== 0n) return timeUnixNano;
  if (observedTimeUnixNano !== 0n) return observedTimeUnixNano;
  return BigInt(Date.now()) * 1_000_000n;
}

// OTLP severity numbers 1-24 in six ranges of four; the names the guide's queries use.
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** The guide's `level`: from the severity number when set, else the severity text upper-cased. */
export function levelOf(severityNumber: number, severityText: string): string | undefined {
  if (severityNumber >= 1 && severityNumber <= 24) return LEVELS[(severityNumber - 1) >> 2];
  return severityText === '' ? undefined : severityText.toUpperCase();
}

/** The body as the `message` text: strings as they are, anything else as JSON. */
export function bodyText(body: AnyValue | undefined): string | undefined {
  if (body === undefined) return undefined;
  if (body.stringValue !== undefined) return body.stringValue;
  const v = anyValueToJson(body);
  return v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
export const STATUS_CODES = ['UNSET', 'OK', 'ERROR'];

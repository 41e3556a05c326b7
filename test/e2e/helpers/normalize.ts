// An OTLP/JSON normalizer written for the tests (not taken from src/), so that "what went in
// equals what came out" is checked independently of the daemon's own codec.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Fields whose presence carries meaning even at their default value: proto3 `optional`
 * fields (histogram sum/min/max) and members of a `oneof` (an AnyValue's value, a data
 * point's asInt/asDouble, a metric's data). They stay when 0 / "" / false / empty.
 */
const KEEP: ReadonlySet<string> = new Set([
  'sum',
  'min',
  'max',
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'bytesValue',
  'arrayValue',
  'kvlistValue',
  'asInt',
  'asDouble',
  'gauge',
  'histogram',
  'exponentialHistogram',
  'summary',
]);

/** 64-bit integer fields: OTLP/JSON writes them as strings, but numbers are accepted too. */
const INT64 = /UnixNano$|^(intValue|asInt|count|zeroCount|bucketCounts)$/;
const HEX_ID = /^(traceId|spanId|parentSpanId)$/;

/**
 * Canonical form of an OTLP/JSON document for comparison: default-valued fields dropped
 * (except KEEP), ids lowercase, 64-bit integers as decimal strings, keys sorted.
 */
export function normalize(value: Json, key = ''): Json {
  if (Array.isArray(value)) {
    const out = value.map((v) => normalize(v, key));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize(value[k], k);
      if (isDefault(v) && !(KEEP.has(k) && v !== undefined && v !== null)) continue;
      out[k] = v;
    }
    return out;
  }
  if (HEX_ID.test(key) && typeof value === 'string') return value.toLowerCase();
  if (INT64.test(key) && (typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value)))) {
    return BigInt(value).toString();
  }
  return value;
}

function isDefault(v: Json): boolean {
  if (v === undefined || v === null || v === 0 || v === '' || v === false || v === '0') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

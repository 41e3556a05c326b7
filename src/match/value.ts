// Attribute values compared by their string form: a configured `200` matches intValue 200,
// doubleValue 200 and stringValue "200". To keep the hot path free of allocations, the
// configured value is converted once into each typed form it can equal, and a record's
// value is compared in its own type; only arrays, maps and bytes are stringified.
import type { AnyValue, KeyValue } from '../pdata/types.ts';

/** A configured value in every type whose string form equals it. */
export interface ExpectedValue {
  readonly str: string;
  readonly int: bigint | undefined;
  readonly dbl: number | undefined;
  readonly bool: boolean | undefined;
}

const INT_RE = /^-?\d+$/;

export function expectedValue(v: string | number | boolean): ExpectedValue {
  const str = String(v);
  let int: bigint | undefined;
  if (INT_RE.test(str)) {
    const n = BigInt(str);
    if (String(n) === str) int = n; // "007" is not the string form of 7
  }
  let dbl: number | undefined;
  if (str.trim() !== '') {
    const n = Number(str);
    if (String(n) === str) dbl = n; // "1.0" is not the string form of 1
  }
  const bool = str === 'true' ? true : str === 'false' ? false : undefined;
  return { str, int, dbl, bool };
}

/** True when the value's string form equals the expected one. */
export function valueEquals(v: AnyValue, e: ExpectedValue): boolean {
  if (v.stringValue !== undefined) return v.stringValue === e.str;
  if (v.intValue !== undefined) return v.intValue === e.int;
  if (v.doubleValue !== undefined) return v.doubleValue === e.dbl;
  if (v.boolValue !== undefined) return v.boolValue === e.bool;
  return anyValueToString(v) === e.str;
}

/**
 * The string form of a value: strings as they are, numbers and booleans as JavaScript prints
 * them, bytes as base64, arrays and maps as JSON (as OTLP/JSON writes them, ints unquoted),
 * an empty value as "".
 */
export function anyValueToString(v: AnyValue): string {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue.buffer, v.bytesValue.byteOffset, v.bytesValue.byteLength).toString('base64');
  if (v.arrayValue !== undefined) return `[${v.arrayValue.values.map(jsonForm).join(',')}]`;
  if (v.kvlistValue !== undefined) return `{${v.kvlistValue.values.map((kv) => `${JSON.stringify(kv.key)}:${jsonForm(kv.value)}`).join(',')}}`;
  return '';
}

function jsonForm(v: AnyValue): string {
  if (v.stringValue !== undefined || v.bytesValue !== undefined) return JSON.stringify(anyValueToString(v));
  if (v.doubleValue !== undefined && !Number.isFinite(v.doubleValue)) return JSON.stringify(String(v.doubleValue));
  if (v.stringValue === undefined && v.intValue === undefined && v.doubleValue === undefined && v.boolValue === undefined && v.arrayValue === undefined && v.kvlistValue === undefined) return 'null';
  return anyValueToString(v);
}

/** The value of the first attribute with this key, or undefined. */
export function findAttribute(attrs: readonly KeyValue[], key: string): AnyValue | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i].key === key) return attrs[i].value;
  return undefined;
}

/** The index of the first attribute with this key, or -1. */
export function attributeIndex(attrs: readonly KeyValue[], key: string): number {
  for (let i = 0; i < attrs.length; i++) if (attrs[i].key === key) return i;
  return -1;
}

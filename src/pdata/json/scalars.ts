// OTLP/JSON scalar fields: reading with validation (the protobuf JSON mapping's lenient
// input forms) and writing in the canonical form. A failed read throws a PathFail whose
// first segment is the field's name, so the message reads `spans[2].traceId: ...`.
import { PathFail } from '../decode-path.ts';

export function bad(field: string, reason: string): PathFail {
  const f = new PathFail(reason);
  f.segments.push(field);
  return f;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function str(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw bad(field, `${show(v)} is not a string`);
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  throw bad(field, `${show(v)} is not a boolean`);
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** A trace id (16 bytes) or span id (8 bytes) as hex; "" when absent. */
export function hexId(v: unknown, field: string, bytes: number): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || v.length !== bytes * 2 || !HEX_RE.test(v)) {
    throw bad(field, `${show(v)} is not ${bytes * 2} hex digits`);
  }
  return v.toLowerCase();
}

const UINT_RE = /^\d+$/;
const INT_RE = /^-?\d+$/;

/** uint32 fields (counts, flags): a number or a decimal string. */
export function u32(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && UINT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw bad(field, `${show(v)} is not an unsigned 32-bit integer`);
}

/** int32 fields (scale, offset). */
export function i32(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && INT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) return n;
  throw bad(field, `${show(v)} is not a 32-bit integer`);
}

/** uint64 counts kept as numbers (exact to 2^53). */
export function u64Number(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && UINT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw bad(field, `${show(v)} is not an unsigned 64-bit integer`);
}

const U64_MAX = 0xffffffffffffffffn;
const I64_MIN = -0x8000000000000000n;
const I64_MAX = 0x7fffffffffffffffn;

/** fixed64 timestamps: decimal string (or number) to bigint. */
export function u64(v: unknown, field: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string' && UINT_RE.test(v)) {
    const b = BigInt(v);
    if (b <= U64_MAX) return b;
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  throw bad(field, `${show(v)} is not an unsigned 64-bit integer`);
}

export function i64(v: unknown, field: string): bigint {
  if (typeof v === 'string' && INT_RE.test(v)) {
    const b = BigInt(v);
    if (b >= I64_MIN && b <= I64_MAX) return b;
  } else if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  else if (v === undefined || v === null) return 0n;
  throw bad(field, `${show(v)} is not a signed 64-bit integer`);
}

/** Doubles: numbers, or "NaN", "Infinity", "-Infinity" and numeric strings. */
export function dbl(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw bad(field, `${show(v)} is not a number`);
}

/** An enum: its number, or its name from `names` (e.g. "SPAN_KIND_SERVER"). */
export function enumValue(v: unknown, field: string, names: Record<string, number>): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    const n = names[v];
    if (n !== undefined) return n;
    if (INT_RE.test(v)) return Number(v);
    throw bad(field, `${show(v)} is not one of ${Object.keys(names).join(', ')}`);
  }
  throw bad(field, `${show(v)} is not an enum number or name`);
}

const BASE64_RE = /^[A-Za-z0-9+/\-_]*={0,2}$/;

export function base64(v: unknown, field: string): Uint8Array {
  if (typeof v === 'string' && BASE64_RE.test(v)) return new Uint8Array(Buffer.from(v, 'base64'));
  throw bad(field, `${show(v)} is not base64`);
}

export function arr(v: unknown, field: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return EMPTY;
  throw bad(field, `${show(v)} is not an array`);
}
const EMPTY: unknown[] = [];

export type Obj = Record<string, unknown>;

export function obj(v: unknown, field: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  throw bad(field, `${show(v)} is not an object`);
}

// ---- writing ----

export function writeDouble(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

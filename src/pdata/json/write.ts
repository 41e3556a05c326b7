// What the generated OTLP/JSON writers (generated/json-encode.ts) call: the output is appended
// straight to one string (`out`), with no per-object field strings that are sliced and wrapped
// afterwards (slicing a concatenated string copies it, once per nesting level).
//
// The protocol: a writer gets `pre`, the text to put before its '{' (the key it is the value
// of, with the separator before that key), so a whole small object can go out in one append.
// Inside, `c` is what goes before the next field: the opening (`pre + '{'`) until a field is
// written, ',' after. Each conditional field appender writes `c` before its key and returns
// ','; close() writes '}' or, when no field was written, the opening and '}'. Keys are passed
// with their quotes and colon ('"name":'). Hand-tuned: this is the file exporter's hot path.
import { writeDouble } from './scalars.ts';

let out = '';
/** Where the text goes as it is written, in pieces of about FLUSH_AT characters; undefined: kept in `out` until take(). */
let sink: ((text: string) => void) | undefined;
/**
 * With a sink, the text is handed on once this long, at the end of an object: V8 flattens a
 * short concatenated string while its pieces are still in the CPU's caches, where flattening
 * one of a whole resource (hundreds of KB of small pieces) walks memory written long before.
 */
const FLUSH_AT = 16 * 1024;

/** Takes the finished text (and lets the encoder's string go). */
export function take(): string {
  const s = out;
  out = '';
  return s;
}

/**
 * Sends the text written from now on to `to` (in order, in pieces), until unset; take() then
 * returns what is still unsent. undefined: back to keeping everything for take().
 */
export function setSink(to: ((text: string) => void) | undefined): void {
  sink = to;
}

export function emit(s: string): void {
  out += s;
}

const q = JSON.stringify as (s: string) => string;
// Measured on Node 24 (1000 strings written and flattened, ns per string): up to ~24 characters
// a loop is fastest (8: 35-40, loop; 61, JSON.stringify), around 32 one regex test (59-65 against
// 63-68 and 73-75), from ~48 JSON.stringify itself (64: 85 against 96-98 regex, 111 loop; a
// 104-character log body: 101-111 against 146-151 regex).
const LOOP_MAX = 24;
const REGEX_MAX = 48;
// Anything JSON.stringify could escape (controls, '"', '\\', lone surrogates) sends the string
// there; non-ASCII is sent there too, which costs a little for non-ASCII text and keeps this simple.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\uffff]/;

/** A JSON string literal, byte-for-byte what JSON.stringify writes. */
export function str(s: string): string {
  const n = s.length;
  if (n > REGEX_MAX) return q(s);
  if (n > LOOP_MAX) return NEEDS_ESCAPE.test(s) ? q(s) : '"' + s + '"';
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) return q(s);
  }
  return '"' + s + '"';
}

/** Bytes as a base64 JSON string. */
export function b64(b: Uint8Array): string {
  return '"' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') + '"';
}

export { writeDouble };

/** Ends an object: '}' after a field, else the opening and '}' (`{}`). */
export function close(c: string): void {
  out += c === ',' ? '}' : c + '}';
  if (sink !== undefined && out.length >= FLUSH_AT) {
    sink(out);
    out = '';
  }
}

// ---- fields left out when they hold the default value ----

export function strF(c: string, key: string, v: string): string {
  if (v === '') return c;
  out += c + key + str(v);
  return ',';
}

export function numF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + v;
  return ',';
}

/** A 64-bit integer held as a bigint, as a decimal string. */
export function u64F(c: string, key: string, v: bigint): string {
  if (v === 0n) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

/** A 64-bit count held as a number, as a decimal string. */
export function countF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

export function dblF(c: string, key: string, v: number): string {
  if (v === 0) return c;
  out += c + key + writeDouble(v);
  return ',';
}

export function boolF(c: string, key: string, v: boolean): string {
  if (!v) return c;
  out += c + key + 'true';
  return ',';
}

// ---- fields with presence (oneof members, proto3 optional): written when set, even to 0 ----

export function strO(c: string, key: string, v: string | undefined): string {
  if (v === undefined) return c;
  out += c + key + str(v);
  return ',';
}

export function numO(c: string, key: string, v: number | undefined): string {
  if (v === undefined) return c;
  out += c + key + v;
  return ',';
}

export function u64O(c: string, key: string, v: bigint | undefined): string {
  if (v === undefined) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

export function countO(c: string, key: string, v: number | undefined): string {
  if (v === undefined) return c;
  out += c + key + '"' + v + '"';
  return ',';
}

export function dblO(c: string, key: string, v: number | undefined): string {
  if (v === undefined) return c;
  out += c + key + writeDouble(v);
  return ',';
}

export function boolO(c: string, key: string, v: boolean | undefined): string {
  if (v === undefined) return c;
  out += c + key + (v ? 'true' : 'false');
  return ',';
}

export function bytesO(c: string, key: string, v: Uint8Array | undefined): string {
  if (v === undefined) return c;
  out += c + key + b64(v);
  return ',';
}

// ---- repeated fields, left out when empty ----

export function doublesF(c: string, key: string, v: readonly number[]): string {
  if (v.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + writeDouble(v[i]);
  out += ']';
  return ',';
}

/** 64-bit counts as decimal strings. */
export function countsF(c: string, key: string, v: readonly number[]): string {
  if (v.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '"' : ',"') + v[i] + '"';
  out += ']';
  return ',';
}

export function numsF(c: string, key: string, v: readonly number[]): string {
  if (v.length === 0) return c;
  out += c + key + '[' + v.join(',') + ']';
  return ',';
}

export function strsF(c: string, key: string, v: readonly string[]): string {
  if (v.length === 0) return c;
  out += c + key + '[';
  for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + str(v[i]);
  out += ']';
  return ',';
}

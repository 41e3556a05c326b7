// A protobuf wire-format writer into one growing buffer shared by all encodes.
//
// Lengths of nested messages are back-patched: `begin()` reserves one byte for the length,
// `finish()` writes it, moving the message body right by a byte or two when it is 128 bytes
// or longer. Small messages (attributes, values) never move; a span moves once, a batch's
// outer messages once each. This avoids a separate sizing pass over the whole tree.
//
// Encoding is synchronous, so one module-level buffer is safe. It keeps the capacity of the
// largest request encoded, up to RETAIN_BYTES; beyond that it is dropped after the encode.

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this (by one huge request) is released after the encode. */
const RETAIN_BYTES = 8 * 1024 * 1024;

let buf = new Uint8Array(INITIAL_BYTES);
let view = new DataView(buf.buffer);
let bbuf = Buffer.from(buf.buffer);
let pos = 0;

function grow(need: number): void {
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
  bbuf = Buffer.from(buf.buffer);
}

function ensure(n: number): void {
  if (pos + n > buf.length) grow(pos + n);
}

export function start(): void {
  pos = 0;
}

/** The bytes written since start(), copied out of the shared buffer. */
export function output(): Uint8Array {
  const out = buf.slice(0, pos);
  pos = 0;
  if (buf.length > RETAIN_BYTES) {
    buf = new Uint8Array(INITIAL_BYTES);
    view = new DataView(buf.buffer);
    bbuf = Buffer.from(buf.buffer);
  }
  return out;
}

/** An unsigned varint of a number up to 2^53 (the caller ensured 10 bytes). */
function rawVarint(v: number): void {
  while (v > 0x7fffffff) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
}

export function tag(t: number): void {
  ensure(5);
  rawVarint(t);
}

/** A tag and an unsigned varint value (uint32, uint64 up to 2^53, bool). */
export function varintField(t: number, v: number): void {
  ensure(15);
  rawVarint(t);
  rawVarint(v);
}

/** A tag and an int32 or enum (negative values are sign-extended to 10 bytes). */
export function int32Field(t: number, v: number): void {
  ensure(15);
  rawVarint(t);
  if (v >= 0) rawVarint(v);
  else rawVarint64(v >>> 0, 0xffffffff);
}

export function sint32Field(t: number, v: number): void {
  ensure(15);
  rawVarint(t);
  rawVarint(((v << 1) ^ (v >> 31)) >>> 0);
}

function rawVarint64(lo: number, hi: number): void {
  while (hi !== 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
}

/** A tag and an int64 varint. */
export function int64Field(t: number, v: bigint): void {
  ensure(15);
  rawVarint(t);
  if (v >= 0n && v <= 0x1fffffffffffffn) {
    rawVarint(Number(v));
    return;
  }
  const u = BigInt.asUintN(64, v);
  rawVarint64(Number(u & 0xffffffffn), Number(u >> 32n));
}

/** A tag and a fixed64 (unsigned; a bigint outside 0..2^64-1 wraps). */
export function fixed64Field(t: number, v: bigint): void {
  ensure(13);
  rawVarint(t);
  view.setBigUint64(pos, v, true);
  pos += 8;
}

export function sfixed64Field(t: number, v: bigint): void {
  ensure(13);
  rawVarint(t);
  view.setBigInt64(pos, v, true);
  pos += 8;
}

/** A tag and a fixed64 from a number (counts). */
export function fixed64NumberField(t: number, v: number): void {
  ensure(13);
  rawVarint(t);
  fixed64Number(v);
}

function fixed64Number(v: number): void {
  view.setUint32(pos, v >>> 0, true);
  view.setUint32(pos + 4, Math.floor(v / 4294967296) >>> 0, true);
  pos += 8;
}

export function fixed32Field(t: number, v: number): void {
  ensure(9);
  rawVarint(t);
  view.setUint32(pos, v >>> 0, true);
  pos += 4;
}

export function doubleField(t: number, v: number): void {
  ensure(13);
  rawVarint(t);
  view.setFloat64(pos, v, true);
  pos += 8;
}

/** Packed repeated fixed64 from numbers. */
export function packedFixed64(t: number, values: number[]): void {
  const n = values.length * 8;
  ensure(15 + n);
  rawVarint(t);
  rawVarint(n);
  for (let i = 0; i < values.length; i++) fixed64Number(values[i]);
}

export function packedDouble(t: number, values: number[]): void {
  const n = values.length * 8;
  ensure(15 + n);
  rawVarint(t);
  rawVarint(n);
  for (let i = 0; i < values.length; i++) {
    view.setFloat64(pos, values[i], true);
    pos += 8;
  }
}

/** Packed repeated uint64 varints from numbers. */
export function packedVarint(t: number, values: number[]): void {
  ensure(5 + values.length * 10 + 5);
  rawVarint(t);
  const at = begin0();
  for (let i = 0; i < values.length; i++) rawVarint(values[i]);
  finish(at);
}

export function stringField(t: number, s: string): void {
  const n = s.length;
  ensure(10 + n * 3);
  rawVarint(t);
  if (n < 128) {
    // ASCII fast path: one length byte, characters copied as they are.
    const at = pos++;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[pos++] = c;
    }
    if (i === n) {
      buf[at] = n;
      return;
    }
    pos = at;
  }
  const bytes = Buffer.byteLength(s, 'utf8');
  rawVarint(bytes);
  pos += bbuf.write(s, pos, bytes, 'utf8');
}

/** A bytes field from hex (ids). Invalid hex digits are written as 0. */
export function hexField(t: number, hex: string): void {
  const n = hex.length >>> 1;
  ensure(10 + n);
  rawVarint(t);
  rawVarint(n);
  for (let i = 0; i < n; i++) {
    buf[pos++] = (HEXVAL[hex.charCodeAt(2 * i)] << 4) | HEXVAL[hex.charCodeAt(2 * i + 1)];
  }
}

const HEXVAL = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEXVAL[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEXVAL[97 + i] = 10 + i;
  HEXVAL[65 + i] = 10 + i;
}

export function bytesField(t: number, b: Uint8Array): void {
  ensure(15 + b.length);
  rawVarint(t);
  rawVarint(b.length);
  buf.set(b, pos);
  pos += b.length;
}

/** Copies `b[start, end)`, fields that are already encoded, as they are. */
export function raw(b: Uint8Array, start: number, end: number): void {
  const n = end - start;
  ensure(n);
  buf.set(b.subarray(start, end), pos);
  pos += n;
}

/** Bytes written since start() (outside any open message, the final length so far). */
export function written(): number {
  return pos;
}

/** Starts a nested message: writes the tag, reserves a length byte, returns a mark for finish(). */
export function begin(t: number): number {
  ensure(6);
  rawVarint(t);
  return begin0();
}

function begin0(): number {
  pos++;
  return pos;
}

/** Ends a nested message started with begin(): writes its length, moving the body if needed. */
export function finish(mark: number): void {
  const n = pos - mark;
  if (n < 0x80) {
    buf[mark - 1] = n;
    return;
  }
  const extra = n < 0x4000 ? 1 : n < 0x200000 ? 2 : n < 0x10000000 ? 3 : 4;
  ensure(extra);
  buf.copyWithin(mark + extra, mark, pos);
  const end = pos + extra;
  pos = mark - 1;
  rawVarint(n);
  pos = end;
}

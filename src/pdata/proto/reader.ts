// A protobuf wire-format reader over one Uint8Array with a position cursor.
//
// One Reader is made per decoded request; the message decoders call its methods directly
// (no per-field callbacks). Every read is bounds-checked so that malformed input ends in a
// PathFail naming the byte offset, never in a RangeError or a read of garbage.
import { ItemLimitFail, PathFail } from '../decode-path.ts';
import { hex16, hex8, hexSlice, invalidUtf8, utf8 } from './strings.ts';

// The attribute key cache: 1024 slots of at most 64 bytes, shared by all decodes. A slot's
// bytes are copied into one arena (64 KiB in all): no object per entry, and no reference to
// the request's buffer (a Buffer's slice() is a view, which would keep whole requests alive).
const KEY_MAX_BYTES = 64;
const KEY_SLOT_MASK = 1023;
const keyArena = new Uint8Array((KEY_SLOT_MASK + 1) * KEY_MAX_BYTES);
const keyLengths = new Uint8Array(KEY_SLOT_MASK + 1); // 0: empty slot
const keyStrings: string[] = new Array(KEY_SLOT_MASK + 1).fill('');

/** AnyValue arrays and maps may nest; deeper input is refused to bound the recursion. */
export const MAX_DEPTH = 64;

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

export class Reader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly len: number;
  pos = 0;
  /** Current AnyValue nesting (maintained by the AnyValue decoder). */
  depth = 0;
  /** Items the scan may still count before it stops with an ItemLimitFail (see tooManyItems). */
  itemsLeft: number;
  readonly #maxItems: number;
  // The halves of the last 64-bit varint read by #varint64 (avoids returning an object).
  #lo = 0;
  #hi = 0;

  constructor(buf: Uint8Array, maxItems = Number.POSITIVE_INFINITY) {
    this.buf = buf;
    this.itemsLeft = maxItems;
    this.#maxItems = maxItems;
    this.len = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(reason: string, at: number = this.pos): PathFail {
    return new PathFail(`${reason} at byte ${at}`);
  }

  /** The failure for one item more than maxItems: the scan stops there, reading no further. */
  tooManyItems(): ItemLimitFail {
    return new ItemLimitFail(this.#maxItems);
  }

  /** A varint's low 32 bits, unsigned (tags, uint32, lengths checked elsewhere). */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.len) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.#varint64();
    return this.#lo >>> 0;
  }

  /** A varint's low 32 bits, signed (int32 and enums, which are sign-extended to 10 bytes). */
  int32(): number {
    return this.uint32() | 0;
  }

  sint32(): number {
    const v = this.uint32();
    return (v >>> 1) ^ -(v & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  /** An unsigned varint as a number (exact to 2^53; used for bucket counts). */
  uint64Number(): number {
    this.#varint64();
    return this.#hi * 4294967296 + this.#lo;
  }

  /** A signed int64 varint as a bigint. */
  int64(): bigint {
    const pos = this.pos;
    if (pos < this.len && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return BigInt(this.buf[pos]);
    }
    this.#varint64();
    const hi = this.#hi;
    if (hi === 0) return BigInt(this.#lo);
    if (hi < 0x200000) return BigInt(hi * 4294967296 + this.#lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(this.#lo));
  }

  #varint64(): void {
    const buf = this.buf;
    const len = this.len;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    // Bytes 0-3 hold bits 0-27 of the low half.
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= len) throw this.fail('truncated varint', this.pos);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.#lo = lo >>> 0;
        this.#hi = 0;
        return;
      }
    }
    // Byte 4 holds bits 28-31 of the low half and bits 0-2 of the high half.
    if (pos >= len) throw this.fail('truncated varint', this.pos);
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw this.fail('varint longer than 10 bytes', this.pos);
        if (pos >= len) throw this.fail('truncated varint', this.pos);
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.#lo = lo >>> 0;
    this.#hi = hi >>> 0;
  }

  /** A length prefix; checks that the bytes it announces are there. Returns the end offset. */
  end(): number {
    const at = this.pos;
    let n: number;
    const b = at < this.len ? this.buf[at] : 0x80;
    if (b < 0x80) {
      this.pos = at + 1;
      n = b;
    } else {
      n = this.uint64Number();
    }
    const end = this.pos + n;
    if (end > this.len) throw this.fail(`length ${n} past end of buffer (${this.len} bytes)`, at);
    return end;
  }

  /** Unsigned fixed64 as a bigint (timestamps). */
  fixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.len) throw this.fail('truncated fixed64');
    this.pos = pos + 8;
    // Measured: getBigUint64 (~7 ns) beats building a BigInt from two halves (~27 ns).
    return this.view.getBigUint64(pos, true);
  }

  sfixed64(): bigint {
    const pos = this.pos;
    if (pos + 8 > this.len) throw this.fail('truncated sfixed64');
    this.pos = pos + 8;
    return this.view.getBigInt64(pos, true);
  }

  /** Unsigned fixed64 as a number (counts; exact to 2^53). */
  fixed64Number(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) throw this.fail('truncated fixed64');
    this.pos = pos + 8;
    return this.view.getUint32(pos + 4, true) * 4294967296 + this.view.getUint32(pos, true);
  }

  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.len) throw this.fail('truncated fixed32');
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.len) throw this.fail('truncated double');
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  string(): string {
    const end = this.end();
    const start = this.pos;
    this.pos = end;
    return utf8(this.buf, start, end);
  }

  /**
   * A string that is likely to repeat (attribute keys): looked up in a small cache by its
   * bytes, which is cheaper than building the string again.
   */
  key(): string {
    const end = this.end();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    if (n === 0 || n > KEY_MAX_BYTES) return utf8(this.buf, start, end);
    const buf = this.buf;
    const slot = (n * 31 + buf[start] * 7 + buf[end - 1] * 13 + buf[start + (n >>> 1)]) & KEY_SLOT_MASK;
    const base = slot * KEY_MAX_BYTES;
    const arena = keyArena;
    if (keyLengths[slot] === n) {
      let i = 0;
      while (i < n && arena[base + i] === buf[start + i]) i++;
      if (i === n) return keyStrings[slot];
    }
    const s = utf8(buf, start, end);
    for (let i = 0; i < n; i++) arena[base + i] = buf[start + i];
    keyLengths[slot] = n;
    keyStrings[slot] = s;
    return s;
  }

  /** A copy of a bytes field (the input buffer may be reused by the transport). */
  bytes(): Uint8Array {
    const end = this.end();
    const start = this.pos;
    this.pos = end;
    // Not this.buf.slice(): on a Buffer that is a view of the request, not a copy.
    const out = new Uint8Array(end - start);
    out.set(this.buf.subarray(start, end));
    return out;
  }

  /** A bytes field as lowercase hex (trace and span ids). */
  hexId(): string {
    const end = this.end();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    if (n === 16) return hex16(this.buf, start);
    if (n === 8) return hex8(this.buf, start);
    if (n === 0) return '';
    return hexSlice.call(this.buf, start, end);
  }

  // ---- the validating scan (proto-scan.ts): checks a field without building its value ----

  /** Skips a varint; fails when it is truncated or longer than 10 bytes. */
  skipVarint(): void {
    const pos = this.pos;
    if (pos < this.len && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return;
    }
    this.#varint64();
  }

  /** Skips a fixed64, sfixed64 or double. */
  skip64(): void {
    if (this.pos + 8 > this.len) throw this.fail('truncated fixed64');
    this.pos += 8;
  }

  /** Skips a fixed32. */
  skip32(): void {
    if (this.pos + 4 > this.len) throw this.fail('truncated fixed32');
    this.pos += 4;
  }

  /** Skips a bytes field. */
  skipBytes(): void {
    this.pos = this.end();
  }

  /** Skips a string field, which proto3 requires to be valid UTF-8. */
  skipString(): void {
    const end = this.end();
    const bad = invalidUtf8(this.buf, this.pos, end);
    if (bad >= 0) throw this.fail('invalid UTF-8 in a string field', bad);
    this.pos = end;
  }

  /** Skips a trace or span id: `size` bytes, or empty (as OTLP/JSON requires). */
  skipId(size: number): void {
    const at = this.pos;
    const end = this.end();
    const n = end - this.pos;
    if (n !== size && n !== 0) throw this.fail(`an id must be ${size} bytes or empty, got ${n} bytes`, at);
    this.pos = end;
  }

  /** Skips a packed repeated field of fixed-size elements (8: fixed64/double, 4: fixed32). */
  skipPacked(size: number): void {
    this.pos = this.packedEnd(size);
  }

  /** The length prefix of a packed field of `size`-byte elements: its end, checked to hold whole elements. */
  packedEnd(size: number): number {
    const end = this.end();
    const n = end - this.pos;
    if (n % size !== 0) throw this.fail(`packed field length ${n} is not a multiple of ${size}`);
    return end;
  }

  /** Skips a packed repeated field of varints. */
  skipPackedVarints(): void {
    const end = this.end();
    while (this.pos < end) this.skipVarint();
    this.checkEnd(end);
  }

  /** Counts one more level of AnyValue nesting; fails past MAX_DEPTH. */
  enter(): void {
    if (++this.depth > MAX_DEPTH) throw this.fail(`values nested deeper than ${MAX_DEPTH} levels`);
  }

  /** Skips a field of the given wire type (the tag has been read). */
  skip(wireType: number, field: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.#varint64();
        return;
      case WIRE_I64:
        if (this.pos + 8 > this.len) throw this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.end();
        return;
      case WIRE_I32:
        if (this.pos + 4 > this.len) throw this.fail('truncated fixed32');
        this.pos += 4;
        return;
      case WIRE_SGROUP:
        this.#skipGroup(field);
        return;
      case WIRE_EGROUP:
        throw this.fail(`unexpected end-group for field ${field}`);
      default:
        throw this.fail(`invalid wire type ${wireType} for field ${field}`);
    }
  }

  #skipGroup(field: number): void {
    if (++this.depth > MAX_DEPTH) throw this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    for (;;) {
      if (this.pos >= this.len) throw this.fail(`group of field ${field} not closed`);
      const tag = this.tag();
      if ((tag & 7) === WIRE_EGROUP) {
        if (tag >>> 3 !== field) throw this.fail(`end-group for field ${tag >>> 3} inside group ${field}`);
        break;
      }
      this.skip(tag & 7, tag >>> 3);
    }
    this.depth--;
  }

  /** A field tag; refuses field number 0. */
  tag(): number {
    const at = this.pos;
    if (at < this.len) {
      const b = this.buf[at];
      if (b < 0x80 && b >= 8) {
        this.pos = at + 1;
        return b;
      }
    }
    return this.#tagSlow(at);
  }

  /** A tag of several bytes, or a bad one; a failure is marked as the tag's (not a field's). */
  #tagSlow(at: number): number {
    let tag: number;
    try {
      tag = this.uint32();
    } catch (e) {
      if (e instanceof PathFail) e.atTag = true;
      throw e;
    }
    if (tag < 8) {
      const fail = this.fail(`invalid field number 0 (tag ${tag})`, at);
      fail.atTag = true;
      throw fail;
    }
    return tag;
  }

  /** After a nested message: its fields must end exactly at its announced end. */
  checkEnd(end: number): void {
    if (this.pos !== end) throw this.fail(`field overruns the end of its message (ends at ${end})`);
  }
}

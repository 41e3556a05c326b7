// What the generated OTLP/JSON readers (generated/json-decode.ts) call: objects, lists and
// nested messages with the JSON path of a failure (`spans[2].traceId`), the camelCase /
// snake_case lookup, and the nesting limit shared with the protobuf decoder. The scalar
// readers are in scalars.ts.
import { PathFail, withSegment } from '../decode-path.ts';
import { MAX_DEPTH } from '../proto/reader.ts';
import { arr, obj, type Obj } from './scalars.ts';

export function asObj(v: unknown): Obj {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  throw new PathFail(`expected an object, got ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}`);
}

/** The value under the lowerCamelCase name, else under the proto (snake_case) one. */
export function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

/** A repeated message field: each element read by `read`, a failure naming `field[i]`. */
export function list<T>(v: unknown, field: string, read: (v: unknown) => T): T[] {
  const src = arr(v, field);
  const out: T[] = new Array(src.length);
  for (let i = 0; i < src.length; i++) {
    try {
      out[i] = read(src[i]);
    } catch (e) {
      throw withSegment(e, `${field}[${i}]`);
    }
  }
  return out;
}

/** A repeated scalar field. */
export function values<T>(v: unknown, field: string, read: (v: unknown, field: string) => T): T[] {
  return list(v, field, (x) => read(x, ''));
}

/** A message field: undefined when absent (or null), else read by `read`, a failure naming `field`. */
export function sub<T>(v: unknown, field: string, read: (o: Obj) => T): T | undefined {
  const o = obj(v, field);
  if (o === undefined) return undefined;
  try {
    return read(o);
  } catch (e) {
    throw withSegment(e, field);
  }
}

/** A field with presence (oneof member, proto3 `optional`): undefined when absent or null. */
export function optional<T>(v: unknown, field: string, read: (v: unknown, field: string) => T): T | undefined {
  return v === undefined || v === null ? undefined : read(v, field);
}

// AnyValue nesting: arrays and kvlists count. Shared by every decode (decoding is
// synchronous), so a refused request must leave it as it found it.
let depth = 0;

/** Counts one more level of nesting; fails past MAX_DEPTH without counting it. */
export function enter(): void {
  if (depth >= MAX_DEPTH) throw new PathFail(`values nested deeper than ${MAX_DEPTH} levels`);
  depth++;
}

export function leave(): void {
  depth--;
}

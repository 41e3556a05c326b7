// Error paths for the decoders, built only when decoding fails.
//
// The decoders do not track where they are while things go well (that would cost an
// array push per message). Instead a failure is thrown as a PathFail, and each message
// decoder on the way up adds its own segment ("spans[3]") in a catch block. The top-level
// entry point turns it into the public DecodeError with the whole path.
import { DecodeError, TooManyItemsError } from './errors.ts';

export class PathFail extends Error {
  readonly reason: string;
  /** Segments from the innermost outwards. */
  readonly segments: string[] = [];
  /** Failed reading a field's tag: the message being read is the place, not its last field. */
  atTag = false;

  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

/** The scan met one item more than its limit (Reader.maxItems); becomes a TooManyItemsError. */
export class ItemLimitFail extends PathFail {
  readonly limit: number;
  constructor(limit: number) {
    super(`more than ${limit} items in one request (max_items_per_request)`);
    this.limit = limit;
  }
}

/** Adds a path segment to a PathFail (or turns another error into one) and returns it to throw. */
export function withSegment(e: unknown, segment: string): PathFail {
  const fail = e instanceof PathFail ? e : new PathFail(e instanceof Error ? e.message : String(e));
  fail.segments.push(segment);
  return fail;
}

/** The segment for a field: `name[index]` for a repeated field, `name` otherwise. */
export function segment(name: string, index: number): string {
  return index < 0 ? name : `${name}[${index}]`;
}

/** True when `e` is a failure to read a tag of the message at hand (no field is to blame). */
export function tagFailed(e: unknown): boolean {
  return e instanceof PathFail && e.atTag && e.segments.length === 0;
}

/** The segment for field number `field` of a message whose field names by number are `names`. */
export function fieldName(names: readonly string[], field: number): string {
  if (field === 0) return '';
  const name = names[field];
  return name === undefined || name === '' ? `field ${field}` : name;
}

/** The public error: `root.a[0].b: reason`. Joins array indices without a dot. */
export function toDecodeError(e: unknown, root: string): DecodeError {
  if (e instanceof DecodeError) return e;
  if (!(e instanceof PathFail)) {
    const message = e instanceof Error ? e.message : String(e);
    return new DecodeError(`${root}: ${message}`);
  }
  let path = root;
  for (let i = e.segments.length - 1; i >= 0; i--) {
    const s = e.segments[i];
    if (s === '') continue;
    path = path === '' ? s : s.charCodeAt(0) === 91 /* [ */ ? path + s : `${path}.${s}`;
  }
  const message = path === '' ? e.reason : `${path}: ${e.reason}`;
  return e instanceof ItemLimitFail ? new TooManyItemsError(message, e.limit) : new DecodeError(message);
}

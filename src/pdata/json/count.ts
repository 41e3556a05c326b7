// A bound on the items of an OTLP/JSON request before JSON.parse builds it. JSON.parse has no
// limit of its own: 20 MiB of `{},` (about 20 KB gzipped) are 7 million objects, seconds of CPU
// and hundreds of MiB. This pass reads the bytes once, builds nothing, and stops at the first
// item beyond the limit.
//
// An item is an object directly inside an array under a key that holds items (`spans`,
// `dataPoints`/`data_points`, `logRecords`/`log_records`, the spellings the decoder reads). It
// does not check where in the tree that key is: a request can only be counted too high by
// unknown fields of such a name, never too low. Malformed JSON is not its business (JSON.parse
// reports it with a position); it only counts what it can see.
import type { Signal } from '../types.ts';
import { TooManyItemsError } from '../errors.ts';

const ITEM_KEYS: Readonly<Record<Signal, readonly string[]>> = {
  traces: ['spans'],
  metrics: ['dataPoints', 'data_points'],
  logs: ['logRecords', 'log_records'],
};
const KEY_BYTES: Readonly<Record<Signal, readonly Uint8Array[]>> = {
  traces: ITEM_KEYS.traces.map((k) => Buffer.from(k)),
  metrics: ITEM_KEYS.metrics.map((k) => Buffer.from(k)),
  logs: ITEM_KEYS.logs.map((k) => Buffer.from(k)),
};

/** The typed-array builtin, not Buffer's own indexOf (a call into C++ per string). */
const indexOf = Uint8Array.prototype.indexOf;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Throws TooManyItemsError once the request holds more than `maxItems` items; returns the
 * items counted otherwise. `bytes` is the UTF-8 body.
 */
export function checkJsonItems(signal: Signal, bytes: Uint8Array, maxItems: number): number {
  const keys = KEY_BYTES[signal];
  const n = bytes.length;
  // One entry per open array or object: 1 = an array of items, 0 = anything else.
  const stack: number[] = [];
  let itemKey = false;
  let items = 0;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c === QUOTE) {
      // Strings are most of the bytes: find the closing quote natively (memchr), then count
      // the backslashes before it (an odd number escapes it).
      const start = i + 1;
      let end = start;
      for (;;) {
        end = indexOf.call(bytes, QUOTE, end);
        if (end < 0) {
          end = n;
          break;
        }
        let k = end - 1;
        while (k >= start && bytes[k] === BACKSLASH) k--;
        if (((end - 1 - k) & 1) === 0) break;
        end++;
      }
      i = end + 1;
      let j = i;
      while (j < n && (bytes[j] === 0x20 || bytes[j] === 0x0a || bytes[j] === 0x0d || bytes[j] === 0x09)) j++;
      if (j < n && bytes[j] === COLON) itemKey = isItemKey(bytes, start, end, keys, ITEM_KEYS[signal]);
      continue;
    }
    if (c === OPEN_ARRAY) {
      stack.push(itemKey ? 1 : 0);
      itemKey = false;
    } else if (c === OPEN_OBJECT) {
      if (stack.length > 0 && stack[stack.length - 1] === 1 && ++items > maxItems) {
        throw new TooManyItemsError(`more than ${maxItems} items in one request (max_items_per_request), at byte ${i}`, maxItems);
      }
      stack.push(0);
      itemKey = false;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      stack.pop();
    }
    i++;
  }
  return items;
}

function isItemKey(bytes: Uint8Array, start: number, end: number, keys: readonly Uint8Array[], names: readonly string[]): boolean {
  let escaped = false;
  for (let x = start; x < end; x++) {
    if (bytes[x] === BACKSLASH) {
      escaped = true;
      break;
    }
  }
  if (escaped) {
    // Rare: a key written with escapes (`"log\u0052ecords"`) means what JSON.parse makes of it.
    try {
      return names.includes(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start - 1, end - start + 2).toString()) as string);
    } catch {
      return false;
    }
  }
  const len = end - start;
  for (const k of keys) {
    if (k.length !== len) continue;
    let same = true;
    for (let x = 0; x < len; x++) {
      if (bytes[start + x] !== k[x]) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  return false;
}

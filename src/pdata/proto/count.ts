// Counting items in an encoded request without decoding it, for receivers that pass the
// protobuf bytes through: only the framing down to the item level is read, nothing is built.
import type { Signal } from '../types.ts';
import { segment, toDecodeError, withSegment } from '../decode-path.ts';
import { Reader } from './reader.ts';
import { REQUEST_NAMES } from './names.ts';

/** Spans, metric data points or log records in an Export*ServiceRequest. Throws DecodeError. */
export function countProtoItems(signal: Signal, bytes: Uint8Array): number {
  const r = new Reader(bytes);
  const names = REQUEST_NAMES[signal];
  let n = 0;
  let index = 0;
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skip(tag & 7, tag >>> 3);
        continue;
      }
      // resource_* (1) -> scope_* (2) -> items (2); metrics go one level further.
      const end = r.end();
      n += signal === 'metrics' ? countChildren(r, end, 18, countMetricScope) : countChildren(r, end, 18, countScopeItems);
      index++;
    }
  } catch (e) {
    throw toDecodeError(withSegment(e, segment(names.resource, index)), names.request);
  }
  return n;
}

type Counter = (r: Reader, end: number) => number;

/** Sums `count` over the fields with `tag` in the message ending at `end`. */
function countChildren(r: Reader, end: number, tag: number, count: Counter): number {
  let n = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === tag) {
      const e = r.end();
      n += count(r, e);
      r.pos = e;
    } else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return n;
}

/** Items (field 2) of a ScopeSpans / ScopeLogs, skipped without reading them. */
function countScopeItems(r: Reader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 18) n++;
    r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return n;
}

function countMetricScope(r: Reader, end: number): number {
  return countChildren(r, end, 18, countMetric);
}

/** Data points (field 1) of the metric's data (gauge 5, sum 7, histogram 9, exp. histogram 10, summary 11). */
function countMetric(r: Reader, end: number): number {
  let n = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === 42 || t === 58 || t === 74 || t === 82 || t === 90) {
      const e = r.end();
      n += countScopeItemsWithTag(r, e, 10);
      r.pos = e;
    } else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return n;
}

function countScopeItemsWithTag(r: Reader, end: number, tag: number): number {
  let n = 0;
  while (r.pos < end) {
    const t = r.tag();
    if (t === tag) n++;
    r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return n;
}

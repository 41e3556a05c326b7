// The validating scan of a request, for receivers that pass the protobuf bytes through: every
// nested message is checked as the decoder would read it (plus UTF-8 and id lengths), nothing
// is built, and the items are counted. The per-message walk is generated (generated/proto-scan.ts).
import type { Signal } from '../types.ts';
import { toDecodeError } from '../decode-path.ts';
import { scanLogsData, scanMetricsData, scanTracesData } from '../generated/proto-scan.ts';
import { Reader } from './reader.ts';
import { REQUEST_NAMES } from './names.ts';

/**
 * Validates an Export*ServiceRequest completely and returns its spans, metric data points or
 * log records. Throws DecodeError naming the first bad field (`resource_logs[0].scope_logs[0]...`):
 * a request this accepts, decodeProto decodes. With `maxItems`, the scan stops at the first
 * item beyond it and throws TooManyItemsError (a DecodeError) naming the limit.
 */
export function countProtoItems(signal: Signal, bytes: Uint8Array, maxItems = Number.POSITIVE_INFINITY): number {
  const r = new Reader(bytes, maxItems);
  try {
    if (signal === 'traces') return scanTracesData(r, r.len);
    if (signal === 'metrics') return scanMetricsData(r, r.len);
    return scanLogsData(r, r.len);
  } catch (e) {
    throw toDecodeError(e, REQUEST_NAMES[signal].request);
  }
}

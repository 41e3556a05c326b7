// OTLP protobuf codec: Export{Trace,Metrics,Logs}Service requests and responses.
// Hand-written for speed (no generated code, no reflection); see reader.ts and writer.ts.
import type { Signal, SignalData, PartialSuccess, TracesData, MetricsData, LogsData } from '../types.ts';
import { toDecodeError } from '../decode-path.ts';
import { Reader } from './reader.ts';
import * as w from './writer.ts';
import { decodeTracesData, encodeTracesData } from './traces.ts';
import { decodeMetricsData } from './metrics.ts';
import { encodeMetricsData } from './metrics-encode.ts';
import { decodeLogsData, encodeLogsData } from './logs.ts';
import { REQUEST_NAMES } from './names.ts';

export { countProtoItems } from './count.ts';

/** Decodes an Export{Trace,Metrics,Logs}ServiceRequest. Throws DecodeError on malformed input. */
export function decodeProto<S extends Signal>(signal: S, bytes: Uint8Array): SignalData[S] {
  const r = new Reader(bytes);
  try {
    if (signal === 'traces') return decodeTracesData(r) as SignalData[S];
    if (signal === 'metrics') return decodeMetricsData(r) as SignalData[S];
    return decodeLogsData(r) as SignalData[S];
  } catch (e) {
    throw toDecodeError(e, REQUEST_NAMES[signal].request);
  }
}

/**
 * Decodes a request one resource at a time: calls `each` with the data of every top-level
 * resource entry in order (the request's other fields are skipped, as decodeProto does), so a
 * caller that is done with a piece before the next lets the decoded objects die young.
 * Throws the DecodeError decodeProto would throw, before or after some calls of `each`.
 */
export function decodeProtoPieces<S extends Signal>(signal: S, bytes: Uint8Array, each: (piece: SignalData[S]) => void): void {
  const r = new Reader(bytes);
  while (r.pos < r.len) {
    let piece: SignalData[S] | undefined;
    try {
      const at = r.pos;
      const tag = r.tag();
      if (tag === 10) {
        const end = r.end(); // 1 resource_{spans,metrics,logs}: on its own, a request of one resource
        r.pos = end;
        piece = decodeProto(signal, bytes.subarray(at, end));
      } else r.skip(tag & 7, tag >>> 3);
    } catch (e) {
      // A piece's error path would say resource 0: decoding the whole request throws the
      // error with the real path (this costs a full decode, on the error path only).
      decodeProto(signal, bytes);
      throw e;
    }
    if (piece !== undefined) each(piece);
  }
}

/** Encodes an Export{Trace,Metrics,Logs}ServiceRequest. */
export function encodeProto<S extends Signal>(signal: S, data: SignalData[S]): Uint8Array {
  w.start();
  if (signal === 'traces') encodeTracesData(data as TracesData);
  else if (signal === 'metrics') encodeMetricsData(data as MetricsData);
  else encodeLogsData(data as LogsData);
  return w.output();
}

/** Encodes an Export*ServiceResponse (empty, or with partial_success when it says something). */
export function encodeProtoResponse(signal: Signal, partial?: PartialSuccess): Uint8Array {
  w.start();
  if (partial !== undefined && (partial.rejected !== 0 || partial.errorMessage !== '')) {
    const m = w.begin(10); // 1 partial_success
    if (partial.rejected !== 0) w.int64Field(8, BigInt(partial.rejected)); // 1 rejected_<items>
    if (partial.errorMessage !== '') w.stringField(18, partial.errorMessage); // 2 error_message
    w.finish(m);
  }
  return w.output();
}

/** Decodes an Export*ServiceResponse; undefined when it carries no partial_success. */
export function decodeProtoResponse(signal: Signal, bytes: Uint8Array): PartialSuccess | undefined {
  const r = new Reader(bytes);
  let partial: PartialSuccess | undefined;
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skip(tag & 7, tag >>> 3);
        continue;
      }
      const end = r.end();
      partial = { rejected: 0, errorMessage: '' };
      while (r.pos < end) {
        const t = r.tag();
        if (t === 8) partial.rejected = Number(r.int64());
        else if (t === 18) partial.errorMessage = r.string();
        else r.skip(t & 7, t >>> 3);
      }
      r.checkEnd(end);
    }
  } catch (e) {
    throw toDecodeError(e, `${REQUEST_NAMES[signal].response}.partial_success`);
  }
  return partial;
}

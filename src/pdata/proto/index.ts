// OTLP protobuf codec: Export{Trace,Metrics,Logs}Service requests and responses. The
// per-message code is generated from the OTLP .proto files (src/pdata/generated/, `npm run
// codegen`); the wire primitives it calls are hand-tuned (reader.ts, writer.ts, strings.ts).
import type { Signal, SignalData, PartialSuccess, TracesData, MetricsData, LogsData } from '../types.ts';
import { toDecodeError } from '../decode-path.ts';
import {
  decodeExportLogsServiceResponse,
  decodeExportMetricsServiceResponse,
  decodeExportTraceServiceResponse,
  decodeLogsData,
  decodeMetricsData,
  decodeTracesData,
} from '../generated/proto-decode.ts';
import {
  encodeExportLogsServiceResponse,
  encodeExportMetricsServiceResponse,
  encodeExportTraceServiceResponse,
  encodeLogsData,
  encodeMetricsData,
  encodeTracesData,
} from '../generated/proto-encode.ts';
import { Reader } from './reader.ts';
import * as w from './writer.ts';
import { REQUEST_NAMES } from './names.ts';

export { countProtoItems } from './count.ts';

/** Decodes an Export{Trace,Metrics,Logs}ServiceRequest. Throws DecodeError on malformed input. */
export function decodeProto<S extends Signal>(signal: S, bytes: Uint8Array): SignalData[S] {
  const r = new Reader(bytes);
  try {
    if (signal === 'traces') return decodeTracesData(r, r.len) as SignalData[S];
    if (signal === 'metrics') return decodeMetricsData(r, r.len) as SignalData[S];
    return decodeLogsData(r, r.len) as SignalData[S];
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
  const response = { partialSuccess: partial !== undefined && (partial.rejected !== 0 || partial.errorMessage !== '') ? partial : undefined };
  w.start();
  if (signal === 'traces') encodeExportTraceServiceResponse(response);
  else if (signal === 'metrics') encodeExportMetricsServiceResponse(response);
  else encodeExportLogsServiceResponse(response);
  return w.output();
}

/** Decodes an Export*ServiceResponse; undefined when it carries no partial_success. */
export function decodeProtoResponse(signal: Signal, bytes: Uint8Array): PartialSuccess | undefined {
  const r = new Reader(bytes);
  try {
    if (signal === 'traces') return decodeExportTraceServiceResponse(r, r.len).partialSuccess;
    if (signal === 'metrics') return decodeExportMetricsServiceResponse(r, r.len).partialSuccess;
    return decodeExportLogsServiceResponse(r, r.len).partialSuccess;
  } catch (e) {
    throw toDecodeError(e, REQUEST_NAMES[signal].response);
  }
}

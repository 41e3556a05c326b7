// OTLP/JSON codec (the OTLP specification's JSON encoding of the Export*Service messages). The
// per-message readers and writers are generated from the OTLP .proto files
// (src/pdata/generated/json-{decode,encode}.ts); parse.ts, scalars.ts, read.ts and write.ts
// are the hand-written parts they call.
import type { Signal, SignalData, PartialSuccess, TracesData, MetricsData, LogsData } from '../types.ts';
import { DecodeError } from '../errors.ts';
import { toDecodeError } from '../decode-path.ts';
import { readExportLogsServiceResponse, readExportMetricsServiceResponse, readExportTraceServiceResponse, readLogsData, readMetricsData, readTracesData } from '../generated/json-decode.ts';
import {
  writeExportLogsServiceResponse,
  writeExportMetricsServiceResponse,
  writeExportTraceServiceResponse,
  writeLogsData,
  writeMetricsData,
  writeResourceLogs,
  writeResourceMetrics,
  writeResourceSpans,
  writeTracesData,
} from '../generated/json-encode.ts';
import { setSink, take } from './write.ts';
import { obj, type Obj } from './scalars.ts';
import { parseJson } from './parse.ts';
import { decodeProtoPieces } from '../proto/index.ts';
import { Utf8Out } from './utf8-out.ts';

/** Decodes an OTLP/JSON Export*ServiceRequest. Throws DecodeError on malformed input. */
export function decodeJson<S extends Signal>(signal: S, text: string | Uint8Array): SignalData[S] {
  const root = parseJson(text);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new DecodeError(`an OTLP/JSON request must be a JSON object, got ${Array.isArray(root) ? 'an array' : JSON.stringify(root)}`);
  }
  try {
    if (signal === 'traces') return readTracesData(root) as SignalData[S];
    if (signal === 'metrics') return readMetricsData(root) as SignalData[S];
    return readLogsData(root) as SignalData[S];
  } catch (e) {
    throw toDecodeError(e, '');
  }
}

/** Encodes an OTLP/JSON Export*ServiceRequest on one line (no newline). */
export function encodeJson<S extends Signal>(signal: S, data: SignalData[S]): string {
  take(); // whatever an earlier encode left behind (it threw half way)
  if (signal === 'traces') writeTracesData(data as TracesData, '');
  else if (signal === 'metrics') writeMetricsData(data as MetricsData, '');
  else writeLogsData(data as LogsData, '');
  return take();
}

/** The UTF-8 bytes of encodeJson(signal, data) and a newline, written as encodeJsonLineFromProto writes. */
export function encodeJsonLine<S extends Signal>(signal: S, data: SignalData[S]): Buffer {
  const out = utf8Out;
  out.reset();
  take();
  setSink(toUtf8Out);
  try {
    if (signal === 'traces') writeTracesData(data as TracesData, '');
    else if (signal === 'metrics') writeMetricsData(data as MetricsData, '');
    else writeLogsData(data as LogsData, '');
    out.write(take());
  } finally {
    setSink(undefined);
  }
  out.ascii('\n');
  return out.take();
}

/**
 * OTLP/JSON of a protobuf Export*ServiceRequest: the same text as
 * encodeJson(signal, decodeProto(signal, bytes)), decoded and written one resource at a time
 * so that no decoded object outlives its resource (measured on 8192-span requests of 16
 * resources: ~1.5x the spans/s of decoding the whole request first, most of it less GC).
 * Each resource is written to its own string, so the many small strings it is built from die
 * young instead of living in one rope until the whole request is done. Throws DecodeError.
 */
export function encodeJsonFromProto(signal: Signal, bytes: Uint8Array): string {
  const parts: string[] = [];
  forEachResourceText(signal, bytes, (text) => {
    text.charCodeAt(0); // V8 flattens a concatenated string on its first indexed read
    parts.push(text);
  });
  if (parts.length === 0) return '{}';
  return OPENING[signal] + parts.join(',') + ']}';
}

/**
 * The UTF-8 bytes of encodeJsonFromProto(signal, bytes) and a newline, in a buffer of its own
 * (not from Buffer's pool, so it can be transferred to another thread). The writer hands its
 * text on in pieces of ~16 KB (json/write.ts setSink), each encoded into a scratch buffer at
 * once: no joined string of the whole request, no pass to measure it, and each piece is
 * flattened while still in the CPU's caches (issue 15: an 8192-span request, ~205,000 ->
 * ~243,000 spans per CPU second against one string per resource). Throws DecodeError.
 */
export function encodeJsonLineFromProto(signal: Signal, bytes: Uint8Array): Buffer {
  const out = utf8Out;
  out.reset();
  take(); // whatever an earlier encode left behind (it threw half way)
  setSink(toUtf8Out);
  try {
    let first = true;
    decodeProtoPieces(signal, bytes, (piece) => {
      // The separator goes out first: the writer hands text to the sink while it writes.
      out.ascii(first ? OPENING[signal] : ',');
      first = false;
      if (signal === 'traces') for (const r of (piece as TracesData).resourceSpans) writeResourceSpans(r, '');
      else if (signal === 'metrics') for (const r of (piece as MetricsData).resourceMetrics) writeResourceMetrics(r, '');
      else for (const r of (piece as LogsData).resourceLogs) writeResourceLogs(r, '');
      out.write(take());
    });
    out.ascii(first ? '{}\n' : ']}\n');
  } finally {
    setSink(undefined);
  }
  return out.take();
}

const toUtf8Out = (text: string): void => utf8Out.write(text);
const utf8Out = new Utf8Out();

const OPENING: Readonly<Record<Signal, string>> = { traces: '{"resourceSpans":[', metrics: '{"resourceMetrics":[', logs: '{"resourceLogs":[' };

/** Calls `put` with the JSON text of each resource entry, in order (no separators). */
function forEachResourceText(signal: Signal, bytes: Uint8Array, put: (text: string) => void): void {
  take(); // whatever an earlier encode left behind (it threw half way)
  decodeProtoPieces(signal, bytes, (piece) => {
    if (signal === 'traces') for (const r of (piece as TracesData).resourceSpans) writeResourceSpans(r, '');
    else if (signal === 'metrics') for (const r of (piece as MetricsData).resourceMetrics) writeResourceMetrics(r, '');
    else for (const r of (piece as LogsData).resourceLogs) writeResourceLogs(r, '');
    const text = take();
    if (text !== '') put(text);
  });
}

export function encodeJsonResponse(signal: Signal, partial?: PartialSuccess): string {
  const response = { partialSuccess: partial !== undefined && (partial.rejected !== 0 || partial.errorMessage !== '') ? partial : undefined };
  take();
  if (signal === 'traces') writeExportTraceServiceResponse(response, '');
  else if (signal === 'metrics') writeExportMetricsServiceResponse(response, '');
  else writeExportLogsServiceResponse(response, '');
  return take();
}

export function decodeJsonResponse(signal: Signal, text: string | Uint8Array): PartialSuccess | undefined {
  const root = parseJson(text);
  try {
    const o: Obj | undefined = obj(root, '');
    if (o === undefined) return undefined;
    if (signal === 'traces') return readExportTraceServiceResponse(o).partialSuccess;
    if (signal === 'metrics') return readExportMetricsServiceResponse(o).partialSuccess;
    return readExportLogsServiceResponse(o).partialSuccess;
  } catch (e) {
    throw toDecodeError(e, '');
  }
}

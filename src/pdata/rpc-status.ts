// google.rpc.Status, google.rpc.RetryInfo and the gRPC status codes (google.rpc.Code): the
// error bodies of OTLP. A receiver answers every OTLP/HTTP 4xx/5xx with a Status in the
// request's encoding and sends a RetryInfo with a retryable gRPC refusal; an exporter reads the
// peer's Status for its message and retry delay. One codec for both, on the pdata primitives.
//
//   Status    { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
//   Any       { string type_url = 1; bytes value = 2; }
//   RetryInfo { google.protobuf.Duration retry_delay = 1; }
//   Duration  { int64 seconds = 1; int32 nanos = 2; }
import { Reader } from './proto/reader.ts';
import * as w from './proto/writer.ts';

/** gRPC status codes, by name (google/rpc/code.proto). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The name of a gRPC status code (`RESOURCE_EXHAUSTED`), or `code 42` for an unknown one. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `code ${code}`;
}
const CODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GrpcCode).map(([k, v]) => [v, k]));

export const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  code: number;
  message: string;
  /** The delay of a RetryInfo detail, in milliseconds; undefined when there is none. */
  retryDelayMs: number | undefined;
}

// Field tags (field << 3 | wire type).
const STATUS_CODE = 8; // 1, varint
const STATUS_MESSAGE = 18; // 2, length-delimited
const STATUS_DETAILS = 26; // 3
const ANY_TYPE_URL = 10; // 1
const ANY_VALUE = 18; // 2
const RETRY_DELAY = 10; // 1
const DURATION_SECONDS = 8; // 1
const DURATION_NANOS = 16; // 2

/** google.rpc.RetryInfo { retry_delay } for a delay in milliseconds. */
export function encodeRetryInfo(retryAfterMs: number): Uint8Array {
  w.start();
  writeRetryInfo(retryAfterMs);
  return w.output();
}

function writeRetryInfo(retryAfterMs: number): void {
  const seconds = Math.floor(retryAfterMs / 1000);
  const nanos = Math.round((retryAfterMs - seconds * 1000) * 1e6);
  const d = w.begin(RETRY_DELAY);
  if (seconds > 0) w.varintField(DURATION_SECONDS, seconds);
  if (nanos > 0) w.varintField(DURATION_NANOS, nanos);
  w.finish(d);
}

/** google.rpc.Status { code, message, details: [Any(RetryInfo)] when a retry delay is given }. */
export function encodeRpcStatus(code: number, message: string, retryAfterMs?: number): Uint8Array {
  w.start();
  if (code !== 0) w.int32Field(STATUS_CODE, code);
  if (message !== '') w.stringField(STATUS_MESSAGE, message);
  if (retryAfterMs !== undefined) {
    const any = w.begin(STATUS_DETAILS);
    w.stringField(ANY_TYPE_URL, RETRY_INFO_TYPE);
    const value = w.begin(ANY_VALUE);
    writeRetryInfo(retryAfterMs);
    w.finish(value);
    w.finish(any);
  }
  return w.output();
}

/** The proto3 JSON form of the same Status (what OTLP/HTTP sends for a JSON request). */
export function encodeRpcStatusJson(code: number, message: string, retryAfterMs?: number): string {
  const status: Record<string, unknown> = { code, message };
  if (retryAfterMs !== undefined) {
    status.details = [{ '@type': RETRY_INFO_TYPE, retryDelay: `${(retryAfterMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s` }];
  }
  return JSON.stringify(status);
}

/** Reads a google.rpc.Status; undefined when the bytes are not one. Unknown fields are skipped. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  const out: RpcStatus = { code: 0, message: '', retryDelayMs: undefined };
  const r = new Reader(bytes);
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag === STATUS_CODE) out.code = r.int32();
      else if (tag === STATUS_MESSAGE) out.message = r.string();
      else if (tag === STATUS_DETAILS) {
        const delay = readDetail(r, r.end());
        if (delay !== undefined) out.retryDelayMs = delay;
      } else r.skip(tag & 7, tag >>> 3);
    }
  } catch {
    return undefined;
  }
  return out;
}

/** An Any detail: the RetryInfo's delay when it is one, else undefined. */
function readDetail(r: Reader, end: number): number | undefined {
  let type = '';
  let valueStart = -1;
  let valueEnd = -1;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === ANY_TYPE_URL) type = r.string();
    else if (tag === ANY_VALUE) {
      valueEnd = r.end();
      valueStart = r.pos;
      r.pos = valueEnd;
    } else r.skip(tag & 7, tag >>> 3);
  }
  r.checkEnd(end);
  if (type !== RETRY_INFO_TYPE || valueStart < 0) return undefined;
  const at = r.pos;
  r.pos = valueStart;
  let ms: number | undefined;
  while (r.pos < valueEnd) {
    const tag = r.tag();
    if (tag !== RETRY_DELAY) {
      r.skip(tag & 7, tag >>> 3);
      continue;
    }
    const dEnd = r.end();
    let seconds = 0;
    let nanos = 0;
    while (r.pos < dEnd) {
      const t = r.tag();
      if (t === DURATION_SECONDS) seconds = Number(r.int64());
      else if (t === DURATION_NANOS) nanos = r.int32();
      else r.skip(t & 7, t >>> 3);
    }
    r.checkEnd(dEnd);
    ms = seconds * 1000 + Math.floor(nanos / 1e6);
  }
  r.checkEnd(valueEnd);
  r.pos = at;
  return ms;
}

// google.rpc.Status and google.rpc.RetryInfo, the error bodies OTLP uses. OTLP/HTTP answers
// every 4xx/5xx with a Status in the request's encoding; OTLP/gRPC clients look for a
// RetryInfo to know when to retry. Both messages are tiny, so they are written by hand here
// rather than through the pdata codec.

/** gRPC status codes used by the receiver (numbers from grpc's status.proto). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const utf8 = new TextEncoder();

function varint(out: number[], v: number): void {
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function lengthDelimited(out: number[], field: number, bytes: Uint8Array): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

/** google.rpc.RetryInfo { retry_delay: google.protobuf.Duration } */
export function encodeRetryInfo(retryAfterMs: number): Uint8Array {
  const seconds = Math.floor(retryAfterMs / 1000);
  const nanos = Math.round((retryAfterMs - seconds * 1000) * 1e6);
  const duration: number[] = [];
  if (seconds > 0) { varint(duration, (1 << 3) | 0); varint(duration, seconds); }
  if (nanos > 0) { varint(duration, (2 << 3) | 0); varint(duration, nanos); }
  const out: number[] = [];
  lengthDelimited(out, 1, Uint8Array.from(duration));
  return Uint8Array.from(out);
}

/** google.rpc.Status { code, message, details: [Any(RetryInfo)] when a retry delay is given }. */
export function encodeStatusProto(code: number, message: string, retryAfterMs?: number): Uint8Array {
  const out: number[] = [];
  if (code !== 0) { varint(out, (1 << 3) | 0); varint(out, code); }
  if (message !== '') lengthDelimited(out, 2, utf8.encode(message));
  if (retryAfterMs !== undefined) {
    const any: number[] = [];
    lengthDelimited(any, 1, utf8.encode(RETRY_INFO_TYPE));
    lengthDelimited(any, 2, encodeRetryInfo(retryAfterMs));
    lengthDelimited(out, 3, Uint8Array.from(any));
  }
  return Uint8Array.from(out);
}

/** The OTLP/JSON form of google.rpc.Status (proto3 JSON mapping). */
export function encodeStatusJson(code: number, message: string, retryAfterMs?: number): string {
  const status: Record<string, unknown> = { code, message };
  if (retryAfterMs !== undefined) {
    status.details = [{ '@type': RETRY_INFO_TYPE, retryDelay: `${(retryAfterMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s` }];
  }
  return JSON.stringify(status);
}

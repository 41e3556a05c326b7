import { GrpcCode, grpcCodeName } from '../pdata/rpc-status.ts';

// The one error type an exporter's sender throws: it says whether the batch may be sent
// again, and how long the peer asked us to wait. Transports map their protocol's statuses
// here, in one place, so that every exporter retries the same failures.

export class ExportError extends Error {
  readonly retryable: boolean;
  /** The peer's hint (HTTP Retry-After, gRPC RetryInfo), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, opts: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ExportError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }

  static retryable(message: string, retryAfterMs?: number, cause?: unknown): ExportError {
    return new ExportError(message, { retryable: true, retryAfterMs, cause });
  }

  static permanent(message: string, cause?: unknown): ExportError {
    return new ExportError(message, { retryable: false, cause });
  }
}

// Statuses the OTLP specification lists as retryable.
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

/** True for the HTTP statuses a client may retry (429, 502, 503, 504). */
export function isRetryableHttpStatus(status: number): boolean {
  return RETRYABLE_HTTP.has(status);
}

/**
 * Parses an HTTP Retry-After header (seconds, or an HTTP date) to milliseconds;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** An ExportError for a non-2xx HTTP response. */
export function httpStatusError(status: number, detail: string, retryAfter?: string | string[] | null): ExportError {
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  return RETRYABLE_HTTP.has(status) ? ExportError.retryable(message, parseRetryAfter(retryAfter)) : ExportError.permanent(message);
}

// The codes the OTLP specification lists as retryable. RESOURCE_EXHAUSTED is retryable here
// as in otelcol: a collector answers it when its queue is full.
const RETRYABLE_GRPC = new Set<number>([
  GrpcCode.CANCELLED,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.ABORTED,
  GrpcCode.OUT_OF_RANGE,
  GrpcCode.UNAVAILABLE,
  GrpcCode.DATA_LOSS,
]);

export function isRetryableGrpcCode(code: number): boolean {
  return RETRYABLE_GRPC.has(code);
}

/** An ExportError for a failed gRPC call. */
export function grpcStatusError(code: number, detail: string, retryAfterMs?: number): ExportError {
  const name = grpcCodeName(code);
  const message = `gRPC ${name}${detail ? `: ${detail}` : ''}`;
  return RETRYABLE_GRPC.has(code) ? ExportError.retryable(message, retryAfterMs) : ExportError.permanent(message);
}

// Node system errors that mean "the peer or the disk is not there now": worth a retry.
const RETRYABLE_SYSTEM = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EBUSY',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * Any thrown value as an ExportError. Timeouts, aborts and network or disk errors are
 * retryable; anything else (a bug, a value that cannot be encoded) is permanent, since
 * sending it again would fail the same way.
 */
export function toExportError(err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  const e = err as { name?: string; code?: string; message?: string } | undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return ExportError.retryable(`timed out or cancelled: ${message}`, undefined, err);
  if (typeof e?.code === 'string' && RETRYABLE_SYSTEM.has(e.code)) return ExportError.retryable(message.includes(e.code) ? message : `${e.code}: ${message}`, undefined, err);
  return ExportError.permanent(message, err);
}

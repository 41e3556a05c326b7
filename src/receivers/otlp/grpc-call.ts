// One OTLP/gRPC Export call on a node:http2 stream, and the service state the calls share.
// The per-call cost is one Call object, a message reader, a promise and the stream's own
// objects: the stream listeners are module functions that find the call on the stream, the
// OK answer is constant headers, one write of a constant framed body and constant trailers.
//
// Order of a call: route (method, content-type, path) -> authenticate from the headers (the
// stream is not read until then) -> read the one message (declared length checked as soon as
// its prefix arrives) -> decompress (bounded) -> scan -> pipeline -> answer. A stream the
// client resets or cancels frees its buffers and never reaches the pipeline.
import * as http2 from 'node:http2';
import type { Logger } from 'pino';
import type { AuthGuard, AuthResult } from '../../net/auth.ts';
import { grpcHeaderReader } from '../../net/grpc-security.ts';
import {
  ACCEPTED_ENCODINGS,
  decompressMessage,
  encodeBinHeader,
  encodeGrpcMessage,
  GRPC_CONTENT_TYPE,
  GrpcError,
  isGrpcContentType,
  messagePrefix,
  parseTimeout,
  PREFIX_BYTES,
  UnaryMessageReader,
} from '../../net/grpc-wire.ts';
import { DecodeError, TooManyItemsError } from '../../pdata/errors.ts';
import { encodeProtoResponse } from '../../pdata/proto/index.ts';
import { encodeRetryInfo, encodeRpcStatus, GrpcCode } from '../../pdata/rpc-status.ts';
import type { PartialSuccess, Signal } from '../../pdata/types.ts';
import type { ReceiverConsumers } from '../../pipeline/component.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';
import type { ReceiverMetrics } from '../../telemetry/metrics.ts';
import type { OtlpGrpcConfig } from './config.ts';
import { countRejected, decodeRequest, type ExportOutcome, exportBatch, stampSubject } from './export.ts';

const MIB = 1024 * 1024;
const { NGHTTP2_NO_ERROR } = http2.constants;

/** Fully-qualified service names per signal, as in opentelemetry-proto. */
export const OTLP_GRPC_SERVICES: Readonly<Record<Signal, string>> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const SIGNAL_BY_PATH: ReadonlyMap<string, Signal> = new Map(Object.entries(OTLP_GRPC_SERVICES).map(([signal, service]) => [`/${service}/Export`, signal as Signal]));

// ---- constant answers ----

const OK_HEADERS: http2.OutgoingHttpHeaders = { ':status': 200, 'content-type': GRPC_CONTENT_TYPE, 'grpc-encoding': 'identity', 'grpc-accept-encoding': ACCEPTED_ENCODINGS };
const OK_TRAILERS: http2.OutgoingHttpHeaders = { 'grpc-status': '0' };
/** An Export*ServiceResponse without partial_success is empty: the whole framed body is 5 zero bytes. */
const EMPTY_RESPONSE_FRAME = messagePrefix(0, false);

function sendOkTrailers(this: http2.ServerHttp2Stream): void {
  if (!this.destroyed) this.sendTrailers(OK_TRAILERS);
}

/** Errors on a stream (a client's reset, a write after it went away) concern that stream only. */
function ignoreStreamError(): void {}

/** A trailers-only answer: HEADERS with the status and END_STREAM. */
function statusHeaders(code: number, message: string, retryAfterMs?: number): http2.OutgoingHttpHeaders {
  const h: http2.OutgoingHttpHeaders = {
    ':status': 200,
    'content-type': GRPC_CONTENT_TYPE,
    'grpc-accept-encoding': ACCEPTED_ENCODINGS,
    'grpc-status': String(code),
    'grpc-message': encodeGrpcMessage(message),
  };
  if (retryAfterMs !== undefined) {
    // Clients read the retry hint from the rich status (Go, Java) or from this key (Python).
    h['grpc-status-details-bin'] = encodeBinHeader(encodeRpcStatus(code, message, retryAfterMs));
    h['google.rpc.retryinfo-bin'] = encodeBinHeader(encodeRetryInfo(retryAfterMs));
  }
  return h;
}

/**
 * Answers a stream and ends it. When the client may still be sending (its message was not
 * read to the end), RST_STREAM NO_ERROR after the answer tells it to stop: nothing more of
 * the body is accepted, so nothing more is buffered.
 */
function answer(stream: http2.ServerHttp2Stream, headers: http2.OutgoingHttpHeaders, requestRead: boolean): void {
  if (stream.destroyed) return;
  if (!stream.headersSent) stream.respond(headers, { endStream: true });
  if (!requestRead) stream.close(NGHTTP2_NO_ERROR);
}

// ---- the service ----

export interface ExportServiceOptions {
  config: OtlpGrpcConfig;
  consumers: ReceiverConsumers;
  metrics: ReceiverMetrics;
  logger: Logger;
  guard: AuthGuard;
}

/** Deadlines are checked this often for calls that carry grpc-timeout (one timer per server). */
export const DEADLINE_SWEEP_MS = 250;

/** What the calls of one server share. */
export class ExportService {
  readonly consumers: ReceiverConsumers;
  readonly metrics: ReceiverMetrics;
  readonly logger: Logger;
  readonly guard: AuthGuard;
  readonly maxBytes: number;
  readonly maxItems: number;
  readonly includeSubject: boolean;
  /** Calls with a deadline, not yet answered. */
  readonly withDeadline = new Set<Call>();
  /** Calls admitted (authenticated, being read or exported) and not yet answered or reset. */
  inFlight = 0;

  constructor(o: ExportServiceOptions) {
    this.consumers = o.consumers;
    this.metrics = o.metrics;
    this.logger = o.logger;
    this.guard = o.guard;
    this.maxBytes = Math.floor(o.config.max_recv_msg_size_mib * MIB);
    this.maxItems = o.config.max_items_per_request;
    this.includeSubject = o.config.include_metadata;
  }

  /** A new stream: route it, authenticate it, then read it. Never throws. */
  onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', ignoreStreamError);
    let call: Call | undefined;
    try {
      if (headers[':method'] !== 'POST') return answerHttp(stream, 405, { allow: 'POST' });
      // The gRPC spec: a request that is not gRPC gets HTTP 415, not a gRPC status.
      if (!isGrpcContentType(headers['content-type'])) return answerHttp(stream, 415, {});
      const path = headers[':path'] ?? '';
      const signal = SIGNAL_BY_PATH.get(path);
      if (signal === undefined) return this.refuse(stream, GrpcCode.UNIMPLEMENTED, `The server does not implement the method ${path.slice(0, 200)}`);
      const timeoutMs = parseTimeout(headers['grpc-timeout'] as string | undefined);
      const deadline = timeoutMs === undefined ? 0 : performance.now() + timeoutMs;
      const encoding = headers['grpc-encoding'] as string | undefined;
      call = new Call(this, stream, signal, encoding, deadline);
      if (!this.guard.enabled) return call.admit('');
      const r = this.guard.check(grpcHeaderReader(headers), stream.session?.socket?.remoteAddress);
      if (r instanceof Promise) {
        const c = call;
        void r.then((x) => c.authenticated(x));
      } else call.authenticated(r);
    } catch (err) {
      call?.settle();
      this.logger.error({ err }, 'OTLP/gRPC call failed');
      this.refuse(stream, GrpcCode.INTERNAL, `internal error: ${(err as Error).message}`);
    }
  }

  /** Refuses a call that was never admitted (or whose reading stopped): nothing of it was read. */
  refuse(stream: http2.ServerHttp2Stream, code: number, message: string, retryAfterMs?: number, requestRead = false): void {
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ code, details: message }, 'OTLP/gRPC request refused');
    try {
      answer(stream, statusHeaders(code, message, retryAfterMs), requestRead);
    } catch {
      stream.destroy();
    }
  }

  /** Answers calls whose deadline has passed with DEADLINE_EXCEEDED (and stops reading them). */
  sweepDeadlines(): void {
    if (this.withDeadline.size === 0) return;
    const now = performance.now();
    for (const call of this.withDeadline) if (now > call.deadline) call.expire();
  }
}

function answerHttp(stream: http2.ServerHttp2Stream, status: number, extra: http2.OutgoingHttpHeaders): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({ ':status': status, ...extra }, { endStream: true });
  stream.close(NGHTTP2_NO_ERROR);
}

// ---- one call ----

const CALL = Symbol('otlp grpc call');
type CallStream = http2.ServerHttp2Stream & { [CALL]?: Call };

function onData(this: CallStream, chunk: Buffer): void {
  this[CALL]?.data(chunk);
}
function onEnd(this: CallStream): void {
  this[CALL]?.end();
}
function onClose(this: CallStream): void {
  this[CALL]?.settle();
}

export class Call {
  readonly #service: ExportService;
  readonly #stream: CallStream;
  readonly #signal: Signal;
  readonly #encoding: string | undefined;
  /** performance.now() by which the client wants its answer; 0: no deadline. */
  readonly deadline: number;
  #subject = '';
  #reader: UnaryMessageReader | undefined;
  #done = false;
  #admitted = false;

  constructor(service: ExportService, stream: http2.ServerHttp2Stream, signal: Signal, encoding: string | undefined, deadline: number) {
    this.#service = service;
    this.#stream = stream as CallStream;
    this.#signal = signal;
    this.#encoding = encoding;
    this.deadline = deadline;
  }

  /** The authenticator's verdict (the stream has not been read). Never throws. */
  authenticated(r: AuthResult): void {
    if (this.#stream.destroyed) return;
    if (!r.ok) return this.#service.refuse(this.#stream, r.reason === 'unavailable' ? GrpcCode.UNAVAILABLE : GrpcCode.UNAUTHENTICATED, r.message);
    try {
      this.admit(this.#service.includeSubject ? r.subject : '');
    } catch (err) {
      this.#refuse(err, false);
    }
  }

  /** Starts reading the message. */
  admit(subject: string): void {
    const s = this.#service;
    const stream = this.#stream;
    if (s.consumers[this.#signal] === undefined) {
      const signal = this.#signal;
      return s.refuse(stream, GrpcCode.UNIMPLEMENTED, `no pipeline takes ${signal} from this receiver: add it to a ${signal} pipeline's receivers`);
    }
    this.#subject = subject;
    this.#reader = new UnaryMessageReader(s.maxBytes);
    this.#admitted = true;
    s.inFlight++;
    if (this.deadline !== 0) s.withDeadline.add(this);
    stream[CALL] = this;
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
  }

  data(chunk: Buffer): void {
    const reader = this.#reader;
    if (reader === undefined) return;
    try {
      reader.push(chunk);
    } catch (err) {
      this.#refuse(err, false);
    }
  }

  end(): void {
    const reader = this.#reader;
    if (reader === undefined) return;
    this.#reader = undefined;
    let message: { compressed: boolean; message: Buffer };
    try {
      message = reader.finish();
    } catch (err) {
      return this.#refuse(err, true);
    }
    this.#export(message.compressed, message.message).catch((err: unknown) => this.#refuse(err, true));
  }

  /** The deadline passed before the answer. */
  expire(): void {
    this.#fail(GrpcCode.DEADLINE_EXCEEDED, 'Deadline exceeded', undefined, this.#reader === undefined);
  }

  /** Marks the call finished (answered, reset or expired); false when it already was. Frees its buffers. */
  settle(): boolean {
    if (this.#done) return false;
    this.#done = true;
    this.#reader = undefined;
    if (this.#admitted) {
      this.#service.inFlight--;
      if (this.deadline !== 0) this.#service.withDeadline.delete(this);
    }
    return true;
  }

  async #export(compressed: boolean, message: Buffer): Promise<void> {
    const s = this.#service;
    const signal = this.#signal;
    let body = message;
    if (compressed) {
      const encoding = this.#encoding;
      if (encoding === undefined || encoding === 'identity') throw new GrpcError(GrpcCode.INTERNAL, 'the message is marked compressed but the call has no grpc-encoding');
      body = await decompressMessage(encoding, message, s.maxBytes);
    }
    if (this.#done) return; // reset or expired meanwhile: the pipeline never sees it
    if (this.#expired()) return this.expire();
    let batch;
    try {
      batch = decodeRequest(signal, 'proto', body, s.maxItems);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      countRejected(s.metrics, signal, e);
      if (e instanceof TooManyItemsError) return this.#fail(GrpcCode.INVALID_ARGUMENT, `${signal} request too large: ${e.message}`);
      return this.#fail(GrpcCode.INVALID_ARGUMENT, `malformed ${signal} request: ${e.message}`);
    }
    if (this.#subject !== '' && batch.items > 0) stampSubject(batch, this.#subject);
    // consumers[signal] was checked at admit; consumers do not change while the server runs.
    this.#answer(await exportBatch(s.consumers[signal]!, batch, s.metrics));
  }

  #expired(): boolean {
    return this.deadline !== 0 && performance.now() > this.deadline;
  }

  #answer(outcome: ExportOutcome): void {
    if (outcome.kind === 'ok') {
      if (this.#expired()) return this.expire();
      return this.#ok(outcome.partial);
    }
    // Too large for good: no retry info, so that the client does not retry it.
    if (outcome.kind === 'too_large') return this.#fail(GrpcCode.INVALID_ARGUMENT, outcome.message);
    const code = outcome.kind === 'busy' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.UNAVAILABLE;
    this.#fail(code, outcome.message, outcome.retryAfterMs);
  }

  #ok(partial: PartialSuccess | undefined): void {
    if (!this.settle()) return;
    const stream = this.#stream;
    if (stream.destroyed) return;
    const frame = partial === undefined ? EMPTY_RESPONSE_FRAME : framed(encodeProtoResponse(this.#signal, partial));
    stream.respond(OK_HEADERS, { waitForTrailers: true });
    stream.once('wantTrailers', sendOkTrailers);
    stream.end(frame);
  }

  #fail(code: number, message: string, retryAfterMs?: number, requestRead = true): void {
    if (!this.settle()) return;
    this.#service.refuse(this.#stream, code, message, retryAfterMs, requestRead);
  }

  #refuse(err: unknown, requestRead: boolean): void {
    if (err instanceof GrpcError) {
      // Refused for good, counted as the HTTP server counts them: a message over the size
      // limit (declared or decompressed) is request_too_large, a broken frame or compressed
      // message malformed; one per request, since nothing of it was scanned.
      if (err.code === GrpcCode.RESOURCE_EXHAUSTED) this.#service.metrics.rejected(this.#signal, Reason.request_too_large, 1);
      else if (err.code === GrpcCode.INTERNAL) this.#service.metrics.rejected(this.#signal, Reason.malformed, 1);
      return this.#fail(err.code, err.message, undefined, requestRead);
    }
    this.#service.logger.error({ err, signal: this.#signal }, 'OTLP/gRPC request failed');
    this.#fail(GrpcCode.INTERNAL, `internal error: ${err instanceof Error ? err.message : String(err)}`, undefined, requestRead);
  }
}

/** A response message with its prefix, in one buffer (one write). */
function framed(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + body.length);
  out[0] = 0;
  out.writeUInt32BE(body.length, 1);
  out.set(body, PREFIX_BYTES);
  return out;
}

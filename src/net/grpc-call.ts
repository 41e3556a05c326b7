import { constants, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { decodeProtoResponse } from '../pdata/proto/index.ts';
import { decodeRpcStatus, GrpcCode } from '../pdata/rpc-status.ts';
import type { PartialSuccess, Signal } from '../pdata/types.ts';
import { ExportError, grpcStatusError } from './export-error.ts';
import { decodeBinHeader, decodeGrpcMessage, decompressMessage, type GrpcError, grpcCodeForHttpStatus, isGrpcContentType, UnaryMessageReader } from './grpc-wire.ts';

// One unary OTLP/gRPC call on an HTTP/2 stream of the client transport: reads the response
// (headers, one message, trailers, or a trailers-only answer) and settles the export's promise
// once, with the partial success or an ExportError classified by the gRPC status. The stream's
// listeners are shared functions (the call hangs on the stream under a symbol) and the call is
// its own abort listener: no closure per call.

/** Response messages are small (a partial success): more than this is refused. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** What a call needs from its transport. */
export interface CallOwner {
  /** `host:port`, for error messages. */
  readonly target: string;
  /** The call has settled: forget it. */
  callDone(call: UnaryCall): void;
  /** The session has used up its stream ids: retire it. */
  sessionExhausted(session: CallSession): void;
}

/** What the call's HTTP/2 session looks like to the call. */
export interface CallSession {
  /** Why the session ended (connection lost, GOAWAY, keepalive), or undefined while it is usable. */
  readonly lost: string | undefined;
  /** The connection was established (false: the call's failure is one to connect). */
  readonly connected: boolean;
}

const CALL = Symbol('grpc call');
type CallStream = ClientHttp2Stream & { [CALL]: UnaryCall };

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_INADEQUATE_SECURITY, NGHTTP2_NO_ERROR } = constants;

export class UnaryCall {
  /** performance.now() after which the call fails with DEADLINE_EXCEEDED; Infinity: none. */
  readonly deadline: number;
  readonly #owner: CallOwner;
  readonly #session: CallSession;
  readonly #signal: Signal;
  readonly #abort: AbortSignal;
  readonly #resolve: (value: PartialSuccess | undefined) => void;
  readonly #reject: (reason: unknown) => void;
  #stream: ClientHttp2Stream | undefined;
  #settled = false;
  #httpStatus = 0;
  #encoding: string | undefined;
  /** grpc-status once known (-1 before). */
  #status = -1;
  #message = '';
  #details: string | string[] | undefined;
  #reader: UnaryMessageReader | undefined;
  #error: (Error & { code?: string }) | undefined;

  constructor(owner: CallOwner, session: CallSession, signal: Signal, abort: AbortSignal, deadline: number, resolve: (value: PartialSuccess | undefined) => void, reject: (reason: unknown) => void) {
    this.#owner = owner;
    this.#session = session;
    this.#signal = signal;
    this.#abort = abort;
    this.deadline = deadline;
    this.#resolve = resolve;
    this.#reject = reject;
    abort.addEventListener('abort', this, { once: true });
  }

  /** Listens to the call's stream. */
  attach(stream: ClientHttp2Stream): void {
    this.#stream = stream;
    (stream as CallStream)[CALL] = this;
    stream.on('response', onResponse);
    stream.on('data', onData);
    stream.on('trailers', onTrailers);
    stream.on('error', onError);
    stream.on('close', onClose);
  }

  /** The abort signal fired (EventListener interface): cancel the stream. */
  handleEvent(): void {
    const reason = this.#abort.reason;
    this.fail(reason instanceof ExportError ? reason : grpcStatusError(GrpcCode.CANCELLED, `call cancelled (${this.#owner.target})`));
  }

  /** The deadline passed. */
  expire(timeoutMs: number): void {
    this.fail(grpcStatusError(GrpcCode.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms (${this.#owner.target})`));
  }

  /** Fails the call now (abort, deadline, a call that cannot start), cancelling its stream. */
  fail(error: ExportError): void {
    if (this.#settled) return;
    this.#settle();
    const stream = this.#stream;
    if (stream !== undefined && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
    this.#reject(error);
  }

  #settle(): void {
    this.#settled = true;
    this.#abort.removeEventListener('abort', this);
    this.#owner.callDone(this);
  }

  response(headers: IncomingHttpHeaders): void {
    this.#httpStatus = Number(headers[':status']);
    const encoding = headers['grpc-encoding'];
    if (typeof encoding === 'string' && encoding !== 'identity') this.#encoding = encoding;
    if (headers['grpc-status'] !== undefined)
      this.trailers(headers); // trailers-only
    else if (this.#httpStatus === 200 && !isGrpcContentType(headers['content-type'] as string | undefined)) {
      this.#setStatus(GrpcCode.UNKNOWN, `invalid content-type "${headers['content-type']}"`, undefined);
    }
  }

  data(chunk: Buffer): void {
    if (this.#status >= 0 && this.#status !== GrpcCode.OK) return;
    try {
      this.#reader ??= new UnaryMessageReader(MAX_RESPONSE_BYTES);
      this.#reader.push(chunk);
    } catch (err) {
      const e = err as GrpcError;
      this.fail(grpcStatusError(e.code, `response: ${e.message} (${this.#owner.target})`));
    }
  }

  trailers(headers: IncomingHttpHeaders): void {
    if (this.#status >= 0) return;
    const raw = headers['grpc-status'];
    const code = Number(raw);
    const message = headers['grpc-message'];
    const text = typeof message === 'string' ? decodeGrpcMessage(message) : '';
    if (!Number.isInteger(code) || code < 0) this.#setStatus(GrpcCode.UNKNOWN, `invalid grpc-status "${raw}"`, undefined);
    else this.#setStatus(code, text, headers['grpc-status-details-bin']);
  }

  #setStatus(code: number, message: string, details: string | string[] | undefined): void {
    this.#status = code;
    this.#message = message;
    this.#details = details;
  }

  error(err: Error & { code?: string }): void {
    this.#error ??= err;
    // After ~2^30 calls a session has no stream ids left: later calls need a new one.
    if (err.code === 'ERR_HTTP2_OUT_OF_STREAMS') this.#owner.sessionExhausted(this.#session);
  }

  /** The stream closed: settle with what arrived. */
  close(stream: ClientHttp2Stream): void {
    if (this.#settled) return;
    if (this.#status === GrpcCode.OK && this.#httpStatus === 200) return this.#succeed();
    this.#settle();
    this.#reject(this.#failure(stream));
  }

  #succeed(): void {
    this.#settle();
    const reader = this.#reader;
    if (reader === undefined) return this.#resolve(undefined);
    let message: Buffer;
    let compressed: boolean;
    try {
      ({ message, compressed } = reader.finish());
    } catch {
      return this.#resolve(undefined); // the data was accepted; an unreadable response changes nothing
    }
    if (!compressed) return this.#resolve(this.#decode(message));
    decompressMessage(this.#encoding ?? 'identity', message, MAX_RESPONSE_BYTES).then(
      (plain) => this.#resolve(this.#decode(plain)),
      () => this.#resolve(undefined),
    );
  }

  #decode(message: Buffer): PartialSuccess | undefined {
    if (message.length === 0) return undefined;
    try {
      return decodeProtoResponse(this.#signal, message);
    } catch {
      return undefined;
    }
  }

  #failure(stream: ClientHttp2Stream): ExportError {
    const where = this.#owner.target;
    if (this.#status >= 0) {
      // A gRPC status, possibly with RetryInfo; or OK on a non-200 response (below).
      if (this.#status !== GrpcCode.OK || this.#httpStatus === 200) {
        const bin = decodeBinHeader(this.#details);
        const rpc = bin === undefined ? undefined : decodeRpcStatus(bin);
        return grpcStatusError(this.#status, `${this.#message || rpc?.message || ''} (${where})`, rpc?.retryDelayMs);
      }
    }
    if (this.#httpStatus !== 0 && this.#httpStatus !== 200) {
      return grpcStatusError(grpcCodeForHttpStatus(this.#httpStatus), `received HTTP status ${this.#httpStatus} (${where})`);
    }
    const lost = this.#session.lost;
    const err = this.#error;
    const rst = stream.rstCode ?? NGHTTP2_NO_ERROR;
    if (err !== undefined && err.code !== 'ERR_HTTP2_STREAM_ERROR') {
      // The session failed (connection refused or lost, TLS, GOAWAY, stream ids used up).
      const root = err.cause instanceof Error ? err.cause : err;
      const why = lost ?? `${this.#session.connected ? 'connection lost' : 'cannot connect'}: ${root.message}`;
      return grpcStatusError(GrpcCode.UNAVAILABLE, `${why} (${where})`);
    }
    if (lost !== undefined) return grpcStatusError(GrpcCode.UNAVAILABLE, `${lost} (${where})`);
    if (rst === NGHTTP2_REFUSED_STREAM) return grpcStatusError(GrpcCode.UNAVAILABLE, `stream refused by the server (${where})`);
    if (rst === NGHTTP2_CANCEL) return grpcStatusError(GrpcCode.CANCELLED, `stream cancelled by the server (${where})`);
    if (rst === NGHTTP2_ENHANCE_YOUR_CALM) return grpcStatusError(GrpcCode.RESOURCE_EXHAUSTED, `stream reset with ENHANCE_YOUR_CALM (${where})`);
    if (rst === NGHTTP2_INADEQUATE_SECURITY) return grpcStatusError(GrpcCode.PERMISSION_DENIED, `stream reset with INADEQUATE_SECURITY (${where})`);
    if (rst !== NGHTTP2_NO_ERROR) return grpcStatusError(GrpcCode.INTERNAL, `stream reset with HTTP/2 error ${rst} (${where})`);
    return grpcStatusError(GrpcCode.UNKNOWN, `the server ended the call without a grpc-status (${where})`);
  }
}

function onResponse(this: CallStream, headers: IncomingHttpHeaders): void {
  this[CALL].response(headers);
}
function onData(this: CallStream, chunk: Buffer): void {
  this[CALL].data(chunk);
}
function onTrailers(this: CallStream, headers: IncomingHttpHeaders): void {
  this[CALL].trailers(headers);
}
function onError(this: CallStream, err: Error): void {
  this[CALL].error(err);
}
function onClose(this: CallStream): void {
  this[CALL].close(this);
}

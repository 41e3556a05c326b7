// OTLP/HTTP on node:http: POST /v1/{traces,metrics,logs}, protobuf or JSON, answered in the
// request's encoding. Bounded everywhere: body size (on the wire and decompressed), requests
// in flight, header/body/idle timeouts.
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DecodeError, TooManyItemsError } from '../../pdata/errors.ts';
import { encodeProtoResponse } from '../../pdata/proto/index.ts';
import { encodeJsonResponse } from '../../pdata/json/index.ts';
import type { Signal } from '../../pdata/types.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import type { ReceiverConsumers } from '../../pipeline/component.ts';
import type { ReceiverMetrics } from '../../telemetry/metrics.ts';
import type { OtlpHttpConfig } from './config.ts';
import { BodyError, decompress, isSupportedEncoding, readBody, SUPPORTED_ENCODINGS } from './body.ts';
import { countRejected, decodeRequest, exportBatch, retryAfterSeconds, stampSubject, type Encoding } from './export.ts';
import { encodeRpcStatus, encodeRpcStatusJson, GrpcCode } from '../../pdata/rpc-status.ts';
import { headerReader, startHttpServer } from '../../net/http-server.ts';
import type { AuthGuard, AuthResult } from '../../net/auth.ts';
import { Cors } from './cors.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const PROTO_TYPE = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const MEDIA_TYPES: ReadonlyMap<string, Encoding> = new Map([
  [PROTO_TYPE, 'proto'],
  [JSON_TYPE, 'json'],
]);

/** gRPC code carried in the Status body for each HTTP status we send. */
const GRPC_FOR_HTTP: Readonly<Record<number, number>> = {
  400: GrpcCode.INVALID_ARGUMENT,
  401: GrpcCode.UNAUTHENTICATED,
  404: GrpcCode.NOT_FOUND,
  405: GrpcCode.UNIMPLEMENTED,
  413: GrpcCode.RESOURCE_EXHAUSTED,
  415: GrpcCode.INVALID_ARGUMENT,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  500: GrpcCode.INTERNAL,
  503: GrpcCode.UNAVAILABLE,
};

export interface OtlpHttpServerOptions {
  id: string;
  config: OtlpHttpConfig;
  consumers: ReceiverConsumers;
  metrics: ReceiverMetrics;
  logger: Logger;
}

interface ReplyOptions {
  retryAfterMs?: number;
  /** Close the connection after answering: the body was not (fully) read. */
  close?: boolean;
  allow?: string;
  challenge?: string;
}

export class OtlpHttpServer {
  readonly #id: string;
  readonly #config: OtlpHttpConfig;
  readonly #consumers: ReceiverConsumers;
  readonly #metrics: ReceiverMetrics;
  readonly #logger: Logger;
  readonly #routes: ReadonlyMap<string, Signal>;
  readonly #pathList: string;
  readonly #cors: Cors | undefined;
  #guard: AuthGuard | undefined;
  #server: http.Server | undefined;
  /** Set on shutdown: answers then close their connection instead of keeping it alive. */
  #closing = false;
  #address: AddressInfo | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(opts: OtlpHttpServerOptions) {
    this.#id = opts.id;
    this.#config = opts.config;
    this.#consumers = opts.consumers;
    this.#metrics = opts.metrics;
    this.#logger = opts.logger;
    const c = opts.config;
    this.#routes = new Map<string, Signal>([
      [c.traces_url_path, 'traces'],
      [c.metrics_url_path, 'metrics'],
      [c.logs_url_path, 'logs'],
    ]);
    this.#pathList = [...this.#routes.keys()].join(', ');
    this.#cors = Cors.from(c.cors);
  }

  /** The bound address once started (port 0 in the config gives an ephemeral one). */
  get address(): AddressInfo | undefined {
    return this.#address;
  }

  /** `guard` checks each request (and counts refusals); it is built by the receiver at start. */
  async start(guard: AuthGuard): Promise<void> {
    const c = this.#config;
    this.#guard = guard;
    const server = await startHttpServer({
      who: this.#id,
      listener: `receiver/${this.#id} (http)`,
      endpoint: c.endpoint,
      logger: this.#logger,
      tls: c.tls,
      guard,
      options: { headersTimeout: c.read_header_timeout, requestTimeout: c.read_timeout, keepAliveTimeout: c.idle_timeout, connectionsCheckingInterval: checkingInterval(c.read_header_timeout) },
      handler: (req, res) => this.#handle(req, res),
      checksAuth: true,
    });
    server.on('error', (err) => this.#logger.error({ err }, 'OTLP/HTTP server error'));
    this.#server = server;
    this.#address = server.address() as AddressInfo;
    this.#logger.info({ endpoint: `${this.#address.address}:${this.#address.port}`, tls: c.tls !== undefined, auth: c.auth?.authenticator }, 'OTLP/HTTP receiver listening');
  }

  /** Stops accepting, waits for requests in flight (their data is in the pipeline), closes sockets. */
  async shutdown(timeoutMs: number): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const drained = Promise.allSettled([...this.#inFlight]).then(() => {
      server.closeIdleConnections();
      return closed;
    });
    if ((await Promise.race([drained, timeout])) === 'timeout') {
      this.#logger.warn({ inFlight: this.#inFlight.size }, 'OTLP/HTTP shutdown timed out; closing connections');
      server.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
  }

  /**
   * CORS first (a preflight carries no credentials), then authentication, before anything of
   * the body is read: a refused request costs no decoding and no decompression.
   */
  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const cors = this.#cors;
    if (cors !== undefined) {
      if (cors.preflight(req, res)) return;
      cors.decorate(req, res);
    }
    const guard = this.#guard!;
    if (!guard.enabled) return this.#route(req, res, '');
    const r = guard.check(headerReader(req), req.socket.remoteAddress);
    if (r instanceof Promise) void r.then((x) => this.#authenticated(x, req, res));
    else this.#authenticated(r, req, res);
  }

  #authenticated(r: AuthResult, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (r.ok) return this.#route(req, res, r.subject);
    const encoding = MEDIA_TYPES.get(mediaType(req.headers['content-type']));
    if (r.reason === 'unavailable') return this.#reply(res, encoding, 503, r.message, { close: true, retryAfterMs: 1000 });
    this.#reply(res, encoding, 401, r.message, { close: true, challenge: this.#guard!.challenge });
  }

  #route(req: http.IncomingMessage, res: http.ServerResponse, subject: string): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const signal = this.#routes.get(path);
    const hasBody = req.headers['content-length'] !== '0' && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
    if (signal === undefined) {
      return this.#reply(res, undefined, 404, `unknown path ${path}: OTLP/HTTP takes POST on ${this.#pathList}`, { close: hasBody });
    }
    if (req.method !== 'POST') {
      return this.#reply(res, undefined, 405, `method ${req.method} not allowed on ${path}: use POST`, { close: hasBody, allow: 'POST' });
    }
    const contentType = req.headers['content-type'] ?? '';
    const encoding = MEDIA_TYPES.get(mediaType(contentType));
    if (encoding === undefined) {
      const shown = contentType === '' ? 'no Content-Type' : `unsupported Content-Type "${contentType}"`;
      return this.#reply(res, undefined, 415, `${shown}: use ${PROTO_TYPE} or ${JSON_TYPE}`, { close: hasBody });
    }
    const consumer = this.#consumers[signal];
    if (consumer === undefined) {
      return this.#reply(res, encoding, 404, `no pipeline takes ${signal} from this receiver: add it to a ${signal} pipeline's receivers`, { close: hasBody });
    }
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (!isSupportedEncoding(contentEncoding)) {
      return this.#reply(res, encoding, 415, `unsupported Content-Encoding "${contentEncoding}": use one of ${SUPPORTED_ENCODINGS}`, { close: hasBody });
    }
    const limit = this.#config.max_request_body_size;
    if (this.#inFlight.size >= this.#config.max_concurrent_requests) {
      return this.#reply(res, encoding, 503, `too many requests in flight (max_concurrent_requests ${this.#config.max_concurrent_requests}); retry later`, { close: hasBody, retryAfterMs: 1000 });
    }
    const length = Number(req.headers['content-length']);
    if (length > limit) {
      this.#metrics.rejected(signal, Reason.request_too_large, 1);
      return this.#reply(res, encoding, 413, `request body of ${length} bytes exceeds max_request_body_size (${limit} bytes)`, { close: true });
    }
    const work = this.#process(req, res, signal, encoding, contentEncoding, consumer, subject);
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #process(req: http.IncomingMessage, res: http.ServerResponse, signal: Signal, encoding: Encoding, contentEncoding: string, consumer: Consumer, subject: string): Promise<void> {
    const limit = this.#config.max_request_body_size;
    try {
      const body = await decompress(await readBody(req, limit), contentEncoding, limit);
      let batch;
      try {
        batch = decodeRequest(signal, encoding, body, this.#config.max_items_per_request);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        countRejected(this.#metrics, signal, e);
        if (e instanceof TooManyItemsError) return this.#reply(res, encoding, 413, `${signal} request too large: ${e.message}`);
        return this.#reply(res, encoding, 400, `malformed ${encoding === 'proto' ? 'protobuf' : 'JSON'} ${signal} request: ${e.message}`);
      }
      if (this.#config.include_metadata && subject !== '' && batch.items > 0) stampSubject(batch, subject);
      const outcome = await exportBatch(consumer, batch, this.#metrics);
      if (outcome.kind === 'ok') {
        const payload = encoding === 'proto' ? encodeProtoResponse(signal, outcome.partial) : encodeJsonResponse(signal, outcome.partial);
        return this.#send(res, 200, encoding === 'proto' ? PROTO_TYPE : JSON_TYPE, payload, undefined);
      }
      // Too large for good: 413 without Retry-After, so that the client does not retry it.
      if (outcome.kind === 'too_large') return this.#reply(res, encoding, 413, outcome.message);
      const status = outcome.kind === 'busy' ? 429 : 503;
      return this.#reply(res, encoding, status, outcome.message, { retryAfterMs: outcome.retryAfterMs });
    } catch (e) {
      if (e instanceof BodyError) {
        // Over max_request_body_size or not valid compressed data: one request refused for good.
        if (e.reason !== undefined) this.#metrics.rejected(signal, e.reason, 1);
        return this.#reply(res, encoding, e.status, e.message, { close: e.status === 413 || !req.complete });
      }
      this.#logger.error({ err: e, signal }, 'OTLP/HTTP request failed');
      return this.#reply(res, encoding, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** An error answer: a google.rpc.Status in the request's encoding, or text when it is unknown. */
  #reply(res: http.ServerResponse, encoding: Encoding | undefined, status: number, message: string, opts: ReplyOptions = {}): void {
    const code = GRPC_FOR_HTTP[status] ?? GrpcCode.INTERNAL;
    if (opts.allow) res.setHeader('Allow', opts.allow);
    if (opts.challenge) res.setHeader('WWW-Authenticate', opts.challenge);
    if (opts.retryAfterMs !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds(opts.retryAfterMs)));
    if (opts.close) res.setHeader('Connection', 'close');
    if (encoding === 'proto') this.#send(res, status, PROTO_TYPE, encodeRpcStatus(code, message, opts.retryAfterMs), message);
    else if (encoding === 'json') this.#send(res, status, JSON_TYPE, encodeRpcStatusJson(code, message, opts.retryAfterMs), message);
    else this.#send(res, status, 'text/plain; charset=utf-8', `${message}\n`, message);
  }

  #send(res: http.ServerResponse, status: number, type: string, payload: Uint8Array | string, message: string | undefined): void {
    if (res.headersSent || res.destroyed) return;
    if (message !== undefined && this.#logger.isLevelEnabled('debug')) this.#logger.debug({ status, message }, 'OTLP/HTTP request refused');
    res.statusCode = status;
    if (this.#closing) res.setHeader('Connection', 'close');
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
    res.end(payload);
  }
}

/**
 * node:http checks read_header_timeout and read_timeout only every connectionsCheckingInterval
 * (default 30 s: a client dripping its headers got 408 after up to 40 s instead of 10 s).
 * Checking every quarter of the header timeout, at most every 500 ms, honours both within
 * 500 ms; one pass over the open connections costs microseconds.
 */
function checkingInterval(readHeaderTimeoutMs: number): number {
  return Math.max(10, Math.min(500, Math.floor(readHeaderTimeoutMs / 4)));
}

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

// OTLP/gRPC on node:http2 directly (no gRPC library): the three collector Export services are
// unary, so a call is one HTTP/2 stream carrying one length-prefixed message each way (wire
// format in net/grpc-wire.ts, one call in grpc-call.ts). Requests go through our own protobuf
// scanner; gzip, deflate and zstd are accepted and bounded by max_recv_msg_size_mib both on the
// declared length and after decompression; answers are uncompressed.
//
// Transport security: TLS (with certificate reload) from the `tls` block, and the
// authenticator of `auth` checked from each call's headers before its message is read.
//
// Deadlines (grpc-timeout): checked when the message has been read and again when the
// pipeline's outcome arrives, and by one sweep every 250 ms per server over the calls that
// carry one; no timer per call. The client enforces its own deadline exactly (it cancels the
// stream, which frees the call here); the server's check keeps a late answer from claiming
// success and frees calls whose client went quiet.
import type * as http2 from 'node:http2';
import type { Logger } from 'pino';
import type { AuthGuard } from '../../net/auth.ts';
import { splitEndpoint } from '../../net/endpoint.ts';
import { CONNECTION_WINDOW_BYTES, createGrpcHttp2Server } from '../../net/grpc-security.ts';
import { listenError, warnIfExposed } from '../../net/listen.ts';
import type { ReceiverConsumers } from '../../pipeline/component.ts';
import type { ReceiverMetrics } from '../../telemetry/metrics.ts';
import type { OtlpGrpcConfig } from './config.ts';
import { DEADLINE_SWEEP_MS, ExportService } from './grpc-call.ts';

export { OTLP_GRPC_SERVICES } from './grpc-call.ts';

export interface OtlpGrpcServerOptions {
  id: string;
  config: OtlpGrpcConfig;
  consumers: ReceiverConsumers;
  metrics: ReceiverMetrics;
  logger: Logger;
}

type Server = http2.Http2Server | http2.Http2SecureServer;

export class OtlpGrpcServer {
  readonly #id: string;
  readonly #config: OtlpGrpcConfig;
  readonly #consumers: ReceiverConsumers;
  readonly #metrics: ReceiverMetrics;
  readonly #logger: Logger;
  readonly #sessions = new Set<http2.ServerHttp2Session>();
  #server: Server | undefined;
  #service: ExportService | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #stopTls: (() => void) | undefined;
  #port: number | undefined;
  #host = '';

  constructor(opts: OtlpGrpcServerOptions) {
    this.#id = opts.id;
    this.#config = opts.config;
    this.#consumers = opts.consumers;
    this.#metrics = opts.metrics;
    this.#logger = opts.logger;
  }

  get address(): { address: string; port: number } | undefined {
    return this.#port === undefined ? undefined : { address: this.#host, port: this.#port };
  }

  /** Calls admitted and not yet answered or reset (tests: nothing is left behind). */
  get callsInFlight(): number {
    return this.#service?.inFlight ?? 0;
  }

  /** Open HTTP/2 connections. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** `guard` checks each call (and counts refusals); it is built by the receiver at start. */
  async start(guard: AuthGuard): Promise<void> {
    const c = this.#config;
    const service = new ExportService({ config: c, consumers: this.#consumers, metrics: this.#metrics, logger: this.#logger, guard });
    const h2 = await createGrpcHttp2Server({ who: this.#id, tls: c.tls, guard, logger: this.#logger, maxConcurrentStreams: c.max_concurrent_streams });
    const server = h2.server;
    const sessions = this.#sessions;
    server.on('session', (session: http2.ServerHttp2Session) => {
      sessions.add(session);
      session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      session.on('error', (err) => this.#logger.debug({ err: err.message }, 'OTLP/gRPC connection error'));
      session.once('close', () => sessions.delete(session));
    });
    server.on('stream', (stream, headers) => service.onStream(stream, headers));
    server.on('sessionError', () => {}); // also delivered to the session's own listener above
    const { host, port } = splitEndpoint(c.endpoint);
    try {
      this.#port = await new Promise<number>((resolve, reject) => {
        server.once('error', (err) => reject(listenError(this.#id, c.endpoint, err)));
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      });
    } catch (err) {
      h2.stop();
      throw err;
    }
    server.on('error', (err) => this.#logger.error({ err }, 'OTLP/gRPC server error'));
    this.#stopTls = h2.stop;
    this.#host = host;
    this.#server = server;
    this.#service = service;
    this.#sweep = setInterval(() => service.sweepDeadlines(), DEADLINE_SWEEP_MS);
    this.#sweep.unref();
    warnIfExposed(this.#logger, `receiver/${this.#id} (grpc)`, c.endpoint, { tls: h2.secure, auth: guard.enabled });
    this.#logger.info({ endpoint: `${host}:${this.#port}`, tls: h2.secure, auth: c.auth?.authenticator }, 'OTLP/gRPC receiver listening');
  }

  /**
   * Stops accepting connections, sends GOAWAY on the open ones (no new calls; calls in flight
   * finish), and after timeoutMs destroys whatever is still open.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#stopTls?.();
    const listening = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...this.#sessions];
    const sessionsClosed = Promise.all(open.map((s) => (s.destroyed ? undefined : new Promise((resolve) => s.once('close', resolve)))));
    for (const session of open) session.close();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const closed = Promise.all([listening, sessionsClosed]).then(() => false);
    if (await Promise.race([closed, timedOut])) {
      this.#logger.warn({ calls: this.callsInFlight }, 'OTLP/gRPC shutdown timed out; cancelling calls in flight');
      for (const session of this.#sessions) session.destroy();
      await closed;
    }
    clearTimeout(timer);
    clearInterval(this.#sweep);
  }
}

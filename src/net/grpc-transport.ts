import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';
import type { PartialSuccess, Signal } from '../pdata/types.ts';
import { loadTls, type TlsConfig } from './client-config.ts';
import { GrpcCode } from '../pdata/rpc-status.ts';
import { ExportError, grpcStatusError } from './export-error.ts';
import { type CallOwner, type CallSession, UnaryCall } from './grpc-call.ts';
import { formatTimeout, GRPC_CONTENT_TYPE, gzipMessage, messagePrefix } from './grpc-wire.ts';

// OTLP over gRPC, as a transport of already-encoded Export*ServiceRequest bytes, on
// node:http2 directly (no gRPC library: see docs/decisions.md, "OTLP/gRPC client on
// node:http2, not grpc-js"). One HTTP/2 session carries every call; it connects on the
// first call and again after it is lost. Kept apart from the exporter so that other
// exporters (jaeger) can send OTLP with it.
//
// Per call: one stream, a prebuilt header object, the 5-byte prefix written before the
// message (no copy of the message), and no timer: one interval timer, running only while
// calls are in flight, enforces the deadlines and sends the keepalive PINGs.

export const OTLP_GRPC_METHODS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** The transport's connection, as grpc's channel states (for health checks). */
export type GrpcConnectivity = 'idle' | 'connecting' | 'ready' | 'transient_failure' | 'shutdown';

export interface GrpcTransportOptions {
  /** `host:port` or `http(s)://host:port`. */
  endpoint: string;
  tls: TlsConfig;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** Sent to the server as the call's deadline, and enforced here; 0 = none. */
  timeoutMs: number;
  /** Used in error messages, e.g. `exporter otlp/peer`. */
  who: string;
  /** Default 30 s: a PING this often while calls are in flight. */
  keepaliveMs?: number;
  /** Default 10 s: the session is dropped when a PING is not answered within this. */
  keepaliveTimeoutMs?: number;
  /** Default 20 s: a connection attempt that takes longer fails. */
  connectTimeoutMs?: number;
}

const REQUEST_OPTIONS = { endStream: false };
const USER_AGENT = 'genrf-collector';
const ACCEPT_ENCODING = 'identity,deflate,gzip';
// Reconnect backoff after a failed connection attempt (grpc's connection backoff, capped
// at 10 s so that a peer that comes back is found soon): only health checks wait it out;
// a call always tries at once, since the exporter helper backs off its retries.
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MULTIPLIER = 1.6;
const BACKOFF_MAX_MS = 10_000;
const BACKOFF_JITTER = 0.2;

/** One HTTP/2 session and what the transport knows about it. */
class Connection implements CallSession {
  readonly session: ClientHttp2Session;
  lost: string | undefined;
  connected = false;
  /** performance.now() of the last PING sent (-1: none outstanding) and of the last sign of life. */
  pingSentAt = -1;
  aliveAt = performance.now();

  constructor(session: ClientHttp2Session) {
    this.session = session;
  }
}

export class OtlpGrpcTransport implements CallOwner {
  readonly target: string;
  readonly secure: boolean;
  readonly #options: GrpcTransportOptions;
  readonly #origin: string;
  readonly #headers: Record<Signal, OutgoingHttpHeaders>;
  readonly #gzip: boolean;
  readonly #keepaliveMs: number;
  readonly #keepaliveTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #tickMs: number;
  #connectOptions: SecureClientSessionOptions | undefined;
  #conn: Connection | undefined;
  #state: GrpcConnectivity = 'idle';
  #failedConnects = 0;
  #backoff: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<UnaryCall>();
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: GrpcTransportOptions) {
    this.#options = options;
    const ep = options.endpoint.replace(/\/$/, '');
    this.secure = !(ep.startsWith('http://') || options.tls.insecure);
    this.target = ep.replace(/^https?:\/\//, '');
    this.#origin = `${this.secure ? 'https' : 'http'}://${this.target}`;
    this.#gzip = options.compression === 'gzip';
    this.#keepaliveMs = options.keepaliveMs ?? 30_000;
    this.#keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 20_000;
    const deadlineGrain = options.timeoutMs > 0 ? options.timeoutMs / 20 : 1000;
    this.#tickMs = Math.max(5, Math.min(250, deadlineGrain, this.#keepaliveMs / 4, this.#keepaliveTimeoutMs / 4));
    // Every header but :path is the same on every call (the timeout is relative), so each
    // signal's header object is built once; node:http2 copies it per request.
    const common: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(options.headers)) common[k.toLowerCase()] = v;
    Object.assign(common, {
      ':method': 'POST',
      ':scheme': this.secure ? 'https' : 'http',
      ':authority': this.target,
      'content-type': GRPC_CONTENT_TYPE,
      te: 'trailers',
      'user-agent': USER_AGENT,
      'grpc-encoding': this.#gzip ? 'gzip' : 'identity',
      'grpc-accept-encoding': ACCEPT_ENCODING,
    });
    if (options.timeoutMs > 0) common['grpc-timeout'] = formatTimeout(options.timeoutMs);
    const forSignal = (signal: Signal) => ({ ...common, ':path': OTLP_GRPC_METHODS[signal] });
    this.#headers = { traces: forSignal('traces'), metrics: forSignal('metrics'), logs: forSignal('logs') };
  }

  /** Reads the TLS files; the session connects lazily, on the first call. */
  async start(): Promise<void> {
    const options: SecureClientSessionOptions = {
      // Outgoing data buffered in the session (batches waiting for the peer's flow-control
      // window); beyond it new streams are refused (RESOURCE_EXHAUSTED, retried).
      maxSessionMemory: 64,
    };
    if (this.secure) {
      const tls = this.#options.tls;
      const pem = await loadTls(tls, this.#options.who);
      options.ca = pem.ca;
      options.cert = pem.cert;
      options.key = pem.key;
      if (tls.insecure_skip_verify) {
        options.rejectUnauthorized = false;
        options.checkServerIdentity = () => undefined;
      }
    }
    this.#connectOptions = options;
    if (this.#state === 'shutdown') this.#state = 'idle';
  }

  /**
   * Sends one encoded Export*ServiceRequest. Resolves with the response's partial success
   * (if any); rejects with an ExportError classified by the gRPC status.
   */
  export(signal: Signal, request: Uint8Array, abort: AbortSignal): Promise<PartialSuccess | undefined> {
    if (this.#connectOptions === undefined || this.#state === 'shutdown') {
      return Promise.reject(ExportError.permanent(`${this.#options.who}: transport not started`));
    }
    if (abort.aborted) return Promise.reject(abort.reason);
    if (!this.#gzip) return this.#call(signal, request, false, abort);
    return gzipMessage(request).then((message) => this.#call(signal, message, true, abort));
  }

  #call(signal: Signal, message: Uint8Array, compressed: boolean, abort: AbortSignal): Promise<PartialSuccess | undefined> {
    if (abort.aborted) return Promise.reject(abort.reason);
    if (this.#state === 'shutdown') return Promise.reject(ExportError.retryable(`${this.#options.who}: transport closed`));
    let conn: Connection;
    try {
      conn = this.#connection();
    } catch (err) {
      // node:http2 refuses the endpoint (not a host:port).
      return Promise.reject(ExportError.permanent(`${this.#options.who}: cannot connect to ${this.target}: ${(err as Error).message}`, err));
    }
    const { promise, resolve, reject } = Promise.withResolvers<PartialSuccess | undefined>();
    const timeoutMs = this.#options.timeoutMs;
    const call = new UnaryCall(this, conn, signal, abort, timeoutMs > 0 ? performance.now() + timeoutMs : Infinity, resolve, reject);
    this.#inFlight.add(call);
    this.#ticker ??= setInterval(this.#tick, this.#tickMs).unref();
    let stream: ClientHttp2Stream;
    try {
      stream = conn.session.request(this.#headers[signal], REQUEST_OPTIONS);
    } catch (err) {
      // Headers node refuses (a configured header with a bad name or value): no call will do.
      call.fail(ExportError.permanent(`${this.#options.who}: cannot start a gRPC call: ${(err as Error).message}`, err));
      return promise;
    }
    call.attach(stream);
    stream.write(messagePrefix(message.byteLength, compressed));
    stream.end(message);
    return promise;
  }

  callDone(call: UnaryCall): void {
    this.#inFlight.delete(call);
  }

  sessionExhausted(session: CallSession): void {
    const conn = session as Connection;
    this.#lose(conn, 'the connection has used up its stream ids', true);
    if (!conn.session.closed) conn.session.close();
  }

  /** The current session, or a new one. */
  #connection(): Connection {
    const conn = this.#conn;
    if (conn !== undefined && conn.lost === undefined) return conn;
    return this.#connect();
  }

  #connect(): Connection {
    if (this.#backoff !== undefined) clearTimeout(this.#backoff);
    this.#backoff = undefined;
    const session = connect(this.#origin, this.#connectOptions);
    const conn = new Connection(session);
    this.#conn = conn;
    this.#state = 'connecting';
    const timer = setTimeout(() => {
      if (!conn.connected) this.#drop(conn, `cannot connect: no connection within ${this.#connectTimeoutMs} ms`);
    }, this.#connectTimeoutMs).unref();
    session.once('connect', () => {
      clearTimeout(timer);
      conn.connected = true;
      conn.aliveAt = performance.now();
      if (this.#conn === conn) {
        this.#state = 'ready';
        this.#failedConnects = 0;
      }
    });
    session.on('error', (err: Error) => {
      clearTimeout(timer);
      this.#lose(conn, conn.connected ? `connection lost: ${err.message}` : `cannot connect: ${err.message}`, false);
    });
    session.on('goaway', (code: number) => {
      // NO_ERROR: the peer stops taking calls (restart, idle timeout); calls in flight may
      // still finish. Else node destroys the session: its calls fail.
      this.#lose(conn, `the server closed the connection (GOAWAY ${code === constants.NGHTTP2_NO_ERROR ? 'NO_ERROR' : `error ${code}`})`, code === constants.NGHTTP2_NO_ERROR);
    });
    session.on('close', () => {
      clearTimeout(timer);
      this.#lose(conn, conn.connected ? 'connection closed by the server' : 'cannot connect: connection closed', false);
    });
    return conn;
  }

  /** The session is not to be used for new calls any more. */
  #lose(conn: Connection, why: string, graceful: boolean): void {
    conn.lost ??= why;
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    if (this.#state === 'shutdown') return;
    if (graceful) {
      this.#state = 'idle';
      return;
    }
    this.#state = 'transient_failure';
    if (!conn.connected) {
      // A failed connection attempt: health checks wait before the next one.
      const base = Math.min(BACKOFF_INITIAL_MS * BACKOFF_MULTIPLIER ** this.#failedConnects, BACKOFF_MAX_MS);
      this.#failedConnects++;
      const delay = base * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * Math.random());
      this.#backoff = setTimeout(() => {
        this.#backoff = undefined;
      }, delay).unref();
    }
  }

  /** Gives up on a session: its calls fail (UNAVAILABLE). */
  #drop(conn: Connection, why: string): void {
    this.#lose(conn, why, false);
    conn.session.destroy();
  }

  // Arrow function: the interval timer's callback, bound once.
  readonly #tick = (): void => {
    if (this.#inFlight.size === 0) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
      return;
    }
    const now = performance.now();
    // Calls are in order of their deadlines (one timeout for all): stop at the first one
    // still in time.
    for (const call of this.#inFlight) {
      if (call.deadline > now) break;
      call.expire(this.#options.timeoutMs);
    }
    const conn = this.#conn;
    if (conn === undefined || !conn.connected || conn.session.destroyed) return;
    if (conn.pingSentAt >= 0) {
      if (now - conn.pingSentAt >= this.#keepaliveTimeoutMs) {
        this.#drop(conn, `connection lost: no answer to a keepalive PING within ${this.#keepaliveTimeoutMs} ms`);
      }
    } else if (now - conn.aliveAt >= this.#keepaliveMs) {
      conn.pingSentAt = now;
      try {
        conn.session.ping((err) => {
          if (err) return;
          conn.pingSentAt = -1;
          conn.aliveAt = performance.now();
        });
      } catch {
        // The session is closing: its own events say so.
      }
    }
  };

  /**
   * The connection's state, for health checks; `tryToConnect` makes an idle transport (or one
   * whose reconnect backoff is over) start connecting. Undefined before start.
   */
  connectivity(tryToConnect: boolean): GrpcConnectivity | undefined {
    if (this.#state === 'shutdown') return 'shutdown';
    if (this.#connectOptions === undefined) return undefined;
    if (tryToConnect && (this.#state === 'idle' || (this.#state === 'transient_failure' && this.#backoff === undefined))) this.#connect();
    return this.#state;
  }

  /** Closes the session; calls in flight fail (UNAVAILABLE). */
  close(): void {
    this.#state = 'shutdown';
    // Also those on a session a GOAWAY retired, which closes once its calls are done.
    for (const call of this.#inFlight) call.fail(grpcStatusError(GrpcCode.UNAVAILABLE, `transport closed (${this.target})`));
    if (this.#backoff !== undefined) clearTimeout(this.#backoff);
    this.#backoff = undefined;
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn !== undefined) {
      conn.lost ??= 'transport closed';
      conn.session.destroy();
    }
    this.#connectOptions = undefined;
  }
}

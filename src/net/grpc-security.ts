import * as http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthGuard, HeaderReader } from './auth.ts';
import { ServerTls } from './server-tls.ts';
import type { ServerTlsConfig } from './tls-config.ts';

// The HTTP/2 server under a gRPC service (node:http2, no gRPC library): plain, or TLS from a
// `tls` block with ALPN h2 and certificate reload (setSecureContext: new connections get the
// new certificate, open ones keep theirs), mTLS as the block says. A TLS handshake refused
// for want of a valid client certificate is counted by the listener's AuthGuard. The guard
// itself is applied per call by the service, from the call's headers, before its message is
// read (see OtlpGrpcServer).

/** Time to finish a TLS handshake; a client that stalls in it holds a socket for no more. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface GrpcServerSpec {
  who: string;
  tls: ServerTlsConfig | undefined;
  guard: AuthGuard;
  logger: Logger;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; 0: no limit. */
  maxConcurrentStreams: number;
}

export interface GrpcHttp2Server {
  server: http2.Http2Server | http2.Http2SecureServer;
  /** Stops following the certificate files. */
  stop(): void;
  secure: boolean;
}

/**
 * nghttp2's memory for one connection's frames (HPACK, queued frames and the DATA it has not
 * handed over yet). node's default is 10 MiB, after which it refuses new streams with
 * ENHANCE_YOUR_CALM; 100 concurrent streams with full windows are 6.4 MiB of DATA alone.
 * grpc-js set it to unlimited. A bound, but one a busy well-behaved client does not hit.
 */
const MAX_SESSION_MEMORY_MIB = 64;

/**
 * Flow-control windows. HTTP/2 starts every stream and the connection at 64 KiB, so a client
 * sending a 200 KiB request waits for WINDOW_UPDATEs (round trips) several times per call;
 * grpc-go grows its windows from measured bandwidth-delay, grpc-js keeps the defaults. The
 * server reads every admitted stream as it arrives, so larger windows cost no buffering there;
 * what a stream waiting for its authenticator may hold is bounded by the connection's window
 * (and maxSessionMemory).
 */
export const STREAM_WINDOW_BYTES = 1024 * 1024;
export const CONNECTION_WINDOW_BYTES = 4 * 1024 * 1024;

/** Creates (does not listen) the HTTP/2 server; rejects naming a `tls` file that cannot be read. */
export async function createGrpcHttp2Server(spec: GrpcServerSpec): Promise<GrpcHttp2Server> {
  const settings: http2.Settings = { initialWindowSize: STREAM_WINDOW_BYTES };
  if (spec.maxConcurrentStreams > 0) settings.maxConcurrentStreams = spec.maxConcurrentStreams;
  const options: http2.ServerOptions = { settings, maxSessionMemory: MAX_SESSION_MEMORY_MIB };
  if (spec.tls === undefined) return { server: http2.createServer(options), stop: () => {}, secure: false };
  const tls = await ServerTls.load(spec.tls, spec.who, spec.logger);
  const { connection, context } = tls.setup;
  const server = http2.createSecureServer({ ...options, ...connection, ...context, ALPNProtocols: ['h2'], allowHTTP1: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => spec.guard.refusedHandshake(socket.remoteAddress, `TLS handshake failed: ${err.code ?? err.message}`));
  tls.watch((ctx) => server.setSecureContext(ctx));
  return { server, stop: () => tls.stop(), secure: true };
}

/** Reads a call's headers (its metadata) for an authenticator: the first value of a repeated one. */
export function grpcHeaderReader(headers: http2.IncomingHttpHeaders): HeaderReader {
  return (name) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

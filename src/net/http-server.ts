import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthGuard, AuthResult } from './auth.ts';
import { listen, warnIfExposed } from './listen.ts';
import { ServerTls } from './server-tls.ts';
import type { ServerTlsConfig } from './tls-config.ts';

// Every HTTP server of the daemon is made here: plain or TLS (with certificate reload), with
// the request's authentication checked before the handler sees it, and the warning for a
// server exposed beyond loopback with neither.

export interface HttpServerSpec {
  /** Names the server in start-up errors (`health_check`, `otlp`). */
  who: string;
  /** Names it in logs and metrics (`extension/health_check`, `receiver/otlp (http)`). */
  listener: string;
  endpoint: string;
  logger: Logger;
  tls: ServerTlsConfig | undefined;
  guard: AuthGuard;
  /** node:http options (timeouts); the same for TLS. */
  options?: http.ServerOptions;
  /**
   * Called for every request that passed authentication, with the subject ('' without an
   * authenticator). With `checksAuth`, called for every request: the handler checks itself.
   */
  handler: (req: http.IncomingMessage, res: http.ServerResponse, subject: string) => void;
  /** The handler calls the guard itself (the OTLP receiver answers in the request's encoding). */
  checksAuth?: boolean;
}

/** Time to finish a TLS handshake; a client that stalls in it holds a socket for no more. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Creates the server and listens; rejects with a clear error for unreadable TLS files or a taken port. */
export async function startHttpServer(spec: HttpServerSpec): Promise<http.Server> {
  const { guard, logger } = spec;
  const tls = spec.tls ? await ServerTls.load(spec.tls, spec.who, logger) : undefined;
  const handle =
    spec.checksAuth || !guard.enabled
      ? (req: http.IncomingMessage, res: http.ServerResponse) => spec.handler(req, res, '')
      : (req: http.IncomingMessage, res: http.ServerResponse) => {
          const r = guard.check(headerReader(req), req.socket.remoteAddress);
          if (r instanceof Promise) void r.then((x) => passOrRefuse(x, req, res, spec));
          else passOrRefuse(r, req, res, spec);
        };
  let server: http.Server;
  if (tls) {
    const { connection, context } = tls.setup;
    const s = https.createServer({ ...spec.options, ...connection, ...context, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, handle);
    s.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => guard.refusedHandshake(socket.remoteAddress, `TLS handshake failed: ${err.code ?? err.message}`));
    tls.watch((ctx) => s.setSecureContext(ctx));
    s.once('close', () => tls.stop());
    server = s as unknown as http.Server;
  } else {
    server = http.createServer(spec.options ?? {}, handle);
  }
  try {
    await listen(server, spec.endpoint, spec.who);
  } catch (err) {
    tls?.stop();
    throw err;
  }
  warnIfExposed(logger, spec.listener, spec.endpoint, { tls: tls !== undefined, auth: guard.enabled });
  return server;
}

/** Reads request headers for an authenticator. */
export function headerReader(req: http.IncomingMessage): (name: string) => string | undefined {
  return (name) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

function passOrRefuse(r: AuthResult, req: http.IncomingMessage, res: http.ServerResponse, spec: HttpServerSpec): void {
  if (r.ok) return spec.handler(req, res, r.subject);
  refuseHttp(res, r, spec.guard.challenge);
}

/** 401 with the challenge, or 503 when the check could not be made; the body is never read. */
export function refuseHttp(res: http.ServerResponse, r: Extract<AuthResult, { ok: false }>, challenge: string): void {
  if (res.headersSent || res.destroyed) return;
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain; charset=utf-8', connection: 'close' };
  if (r.reason === 'unavailable') headers['retry-after'] = '1';
  else if (challenge) headers['www-authenticate'] = challenge;
  res.writeHead(r.reason === 'unavailable' ? 503 : 401, headers).end(`${r.message}\n`);
}

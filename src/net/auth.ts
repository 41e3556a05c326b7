import type { Logger } from 'pino';
import type { Host } from '../pipeline/component.ts';
import type { AuthFailureCounter, SelfMetrics } from '../telemetry/metrics.ts';
import type { ServerAuthConfig } from './tls-config.ts';

// Authentication of requests to the daemon's servers, as otelcol's configauth: a server's
// `auth.authenticator` names an extension (bearertokenauth, basicauth, oidc) that checks
// each request's headers before anything of the request is read. What a refusal costs:
// counted per listener and reason, logged at most once a second per listener with the
// peer's address, never with the credential.

/** Why a request was refused. `unavailable`: the check could not be made (an unreachable JWKS); retry later. */
export type AuthFailureReason = 'missing' | 'invalid' | 'unavailable';

export type AuthResult = { ok: true; subject: string } | { ok: false; reason: AuthFailureReason; message: string };

/** Reads one request header by lower-case name (the first value when repeated). */
export type HeaderReader = (name: string) => string | undefined;

/** What an authenticator extension offers the servers that name it. */
export interface ServerAuthenticator {
  /** Checks one request. Never throws, never puts the credential in the message. */
  authenticate(header: HeaderReader): AuthResult | Promise<AuthResult>;
  /** The WWW-Authenticate challenge for a refused HTTP request, e.g. `Bearer realm="genrf-collector"`. */
  readonly challenge: string;
}

export function isServerAuthenticator(x: unknown): x is ServerAuthenticator {
  return typeof (x as ServerAuthenticator | undefined)?.authenticate === 'function' && typeof (x as ServerAuthenticator).challenge === 'string';
}

/** The authenticator a server's `auth.authenticator` names; a clear error when there is none. */
export function resolveAuthenticator(host: Host, id: string, who: string): ServerAuthenticator {
  const ext = host.extensions?.().get(id);
  if (ext === undefined) {
    throw new Error(`${who}: auth.authenticator "${id}" is not a running extension: define it under extensions and list it in service.extensions`);
  }
  if (!isServerAuthenticator(ext)) throw new Error(`${who}: auth.authenticator "${id}" is not an authenticator (use bearertokenauth, basicauth or oidc)`);
  return ext;
}

/** The guard of one server: its `auth` block resolved against the host's extensions. */
export function authGuard(host: Host | undefined, auth: ServerAuthConfig | undefined, listener: string, metrics: SelfMetrics, logger: Logger): AuthGuard {
  const authenticator = auth && resolveAuthenticator(host ?? { components: () => [] }, auth.authenticator, listener);
  return new AuthGuard(authenticator, listener, metrics.authFailures(listener), logger);
}

const ANONYMOUS: AuthResult = { ok: true, subject: '' };

/**
 * A server's authenticator (if it has one) with its failure counter and rate-limited log.
 * Without an authenticator every request passes; TLS handshakes refused for want of a valid
 * client certificate are still counted here.
 */
export class AuthGuard {
  readonly #auth: ServerAuthenticator | undefined;
  readonly #counter: AuthFailureCounter;
  readonly #log: FailureLog;

  constructor(auth: ServerAuthenticator | undefined, who: string, counter: AuthFailureCounter, logger: Logger) {
    this.#auth = auth;
    this.#counter = counter;
    this.#log = new FailureLog(who, logger);
  }

  /** True when requests are checked by an authenticator. */
  get enabled(): boolean {
    return this.#auth !== undefined;
  }

  get challenge(): string {
    return this.#auth?.challenge ?? '';
  }

  /** Checks a request; a refusal is counted and (rate-limited) logged with `peer`. */
  check(header: HeaderReader, peer: string | undefined): AuthResult | Promise<AuthResult> {
    if (this.#auth === undefined) return ANONYMOUS;
    let result: AuthResult | Promise<AuthResult>;
    try {
      result = this.#auth.authenticate(header);
    } catch (err) {
      result = { ok: false, reason: 'unavailable', message: `authentication failed: ${(err as Error).message}` };
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => this.#note(r, peer),
        (err: unknown) => this.#note({ ok: false, reason: 'unavailable', message: `authentication failed: ${(err as Error).message}` }, peer),
      );
    }
    return this.#note(result, peer);
  }

  /** Counts a refusal that happened before the authenticator (a TLS handshake without a valid client certificate). */
  refusedHandshake(peer: string | undefined, message: string): void {
    this.#counter.failed('tls_handshake');
    this.#log.note(peer, 'tls_handshake', message);
  }

  #note(r: AuthResult, peer: string | undefined): AuthResult {
    if (!r.ok) {
      this.#counter.failed(r.reason);
      this.#log.note(peer, r.reason, r.message);
    }
    return r;
  }
}

/** One warning per second at most per listener; the next one says how many were not logged. */
export class FailureLog {
  readonly #who: string;
  readonly #logger: Logger;
  #last = 0;
  #suppressed = 0;

  constructor(who: string, logger: Logger) {
    this.#who = who;
    this.#logger = logger;
  }

  note(peer: string | undefined, reason: string, message: string): void {
    const now = Date.now();
    if (now - this.#last < 1000) {
      this.#suppressed++;
      return;
    }
    this.#last = now;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#logger.warn({ listener: this.#who, peer: peer ?? 'unknown', reason, ...(suppressed ? { not_logged_since: suppressed } : {}) }, `request refused: ${message}`);
  }
}

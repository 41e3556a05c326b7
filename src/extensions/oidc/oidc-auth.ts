import { readFile } from 'node:fs/promises';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import type { CreateSettings, Extension, Health } from '../../pipeline/component.ts';
import type { AuthResult, HeaderReader, ServerAuthenticator } from '../../net/auth.ts';
import { getWithCa } from '../../net/fetch-ca.ts';
import type { OidcConfig } from './config.ts';

// jose is imported on first use (~15 MiB resident that a daemon without oidc should not pay).
type Jose = typeof import('jose');
let jose: Jose | undefined;
const loadJose = async (): Promise<Jose> => (jose ??= await import('jose'));

// JWTs checked with jose against the issuer's JWKS, found through OIDC discovery. jose
// caches the keys and fetches again when a token names a key it does not know (at most
// every COOLDOWN_MS), so a key rotation at the issuer needs nothing here. An issuer that cannot
// be reached makes requests `unavailable` (503 / UNAVAILABLE: the client retries), not 401.

const TIMEOUT_MS = 5000;
/** After a failed discovery, requests wait this long before one of them tries again. */
const RETRY_MS = 5000;
/** Least time between two JWKS fetches caused by unknown keys (jose's default is 30 s). */
const COOLDOWN_MS = 5000;

export class OidcAuth implements Extension, ServerAuthenticator {
  readonly challenge = 'Bearer realm="genrf-collector"';
  readonly #settings: CreateSettings;
  readonly #config: OidcConfig;
  readonly #issuer: string;
  #ca: Buffer | undefined;
  #keys: JWTVerifyGetKey | undefined;
  #discovering: Promise<JWTVerifyGetKey> | undefined;
  #failedAt = 0;
  #lastError = '';
  #started = false;

  constructor(settings: CreateSettings, config: OidcConfig) {
    this.#settings = settings;
    this.#config = config;
    // Compared as written: the `iss` of tokens and the discovery document's issuer must equal it.
    this.#issuer = config.issuer_url;
  }

  async start(): Promise<void> {
    const path = this.#config.issuer_ca_path;
    if (path !== undefined) {
      try {
        this.#ca = await readFile(path);
      } catch (err) {
        throw new Error(`${this.#settings.id.text}: cannot read issuer_ca_path ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
    }
    this.#started = true;
    // Discover now so that the first request does not wait; a failure is retried on demand.
    this.#discover().catch(() => {});
  }

  async shutdown(): Promise<void> {
    this.#started = false;
  }

  health(): Health {
    if (this.#keys !== undefined || this.#lastError === '') return { healthy: true };
    return { healthy: false, message: `issuer not reached: ${this.#lastError}` };
  }

  async authenticate(header: HeaderReader): Promise<AuthResult> {
    if (!this.#started) return { ok: false, reason: 'unavailable', message: 'the authenticator is not started' };
    const value = header(this.#config.attribute.toLowerCase());
    if (value === undefined || value === '') return { ok: false, reason: 'missing', message: `no credentials: send ${this.#config.attribute}: Bearer <token>` };
    if (value.length < 8 || value.slice(0, 7).toLowerCase() !== 'bearer ') return { ok: false, reason: 'invalid', message: 'the token does not use the Bearer scheme' };
    let keys: JWTVerifyGetKey;
    try {
      keys = this.#keys ?? (await this.#discover());
    } catch (err) {
      return { ok: false, reason: 'unavailable', message: `the issuer cannot be reached: ${(err as Error).message}` };
    }
    const { jwtVerify, errors } = await loadJose();
    try {
      const { payload } = await jwtVerify(value.slice(7).trim(), keys, { issuer: this.#issuer, audience: this.#config.audience });
      const subject = payload[this.#config.username_claim];
      if (typeof subject !== 'string' || subject === '') return { ok: false, reason: 'invalid', message: `the token has no "${this.#config.username_claim}" claim` };
      return { ok: true, subject };
    } catch (err) {
      // jose's own errors say what is wrong with the token (never the token itself); anything
      // else is the JWKS fetch failing.
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        return { ok: false, reason: 'unavailable', message: `the issuer's keys cannot be fetched: ${(err as Error).message}` };
      }
      return { ok: false, reason: 'invalid', message: `the token is not valid: ${err.message}` };
    }
  }

  /** Reads the discovery document and makes the key set; one at a time, retried after RETRY_MS. */
  #discover(): Promise<JWTVerifyGetKey> {
    if (this.#discovering) return this.#discovering;
    if (Date.now() - this.#failedAt < RETRY_MS) return Promise.reject(new Error(this.#lastError));
    const fetchJson = (url: string, signal?: AbortSignal) => getWithCa(url, { ca: this.#ca, timeoutMs: TIMEOUT_MS, signal });
    this.#discovering = (async () => {
      const url = `${this.#issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await fetchJson(url);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (doc.issuer !== this.#issuer) throw new Error(`the discovery document names issuer ${JSON.stringify(doc.issuer)}, not ${this.#issuer}`);
      if (typeof doc.jwks_uri !== 'string') throw new Error(`the discovery document at ${url} has no jwks_uri`);
      const { createRemoteJWKSet, customFetch } = await loadJose();
      return createRemoteJWKSet(new URL(doc.jwks_uri), {
        timeoutDuration: TIMEOUT_MS,
        cooldownDuration: COOLDOWN_MS,
        [customFetch]: ((u, o) => fetchJson(u, o.signal)) as FetchImplementation,
      });
    })()
      .then(
        (keys) => {
          this.#keys = keys;
          this.#lastError = '';
          return keys;
        },
        (err: Error) => {
          this.#failedAt = Date.now();
          this.#lastError = err.message;
          this.#settings.logger.warn({ extension: this.#settings.id.text, err: err.message }, 'oidc: OIDC discovery failed; requests are answered unavailable until it succeeds');
          throw err;
        },
      )
      .finally(() => {
        this.#discovering = undefined;
      });
    return this.#discovering;
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

// CORS for browser senders, as otelcol's confighttp: off unless allowed_origins lists at
// least one origin. A preflight (OPTIONS with Access-Control-Request-Method) is answered here
// without authentication (browsers send no credentials on it); a request from an allowed
// origin gets Access-Control-Allow-Origin (its own origin) and Allow-Credentials.

export const corsSchema = z.strictObject({
  /** Origins allowed to send, e.g. https://app.example.com; `*` = any, one `*` inside a pattern = any text there (https://*.example.com). */
  allowed_origins: z.array(z.string().min(1)).default([]),
  /** Request headers allowed besides Accept, Accept-Language, Content-Type, Content-Language (and X-Requested-With when empty); `*` = any. */
  allowed_headers: z.array(z.string().min(1)).default([]),
  /** Default 0 (no Access-Control-Max-Age): seconds a browser may cache a preflight answer. */
  max_age: z.number().int().nonnegative().default(0),
});

export type CorsConfig = z.output<typeof corsSchema>;

const ALWAYS = ['accept', 'accept-language', 'content-type', 'content-language', 'origin'];

export class Cors {
  readonly #anyOrigin: boolean;
  readonly #exact: ReadonlySet<string>;
  readonly #patterns: ReadonlyArray<{ prefix: string; suffix: string }>;
  readonly #anyHeader: boolean;
  readonly #headers: ReadonlySet<string>;
  readonly #maxAge: string | undefined;

  /** Undefined when the config allows no origin (CORS off). */
  static from(config: CorsConfig | undefined): Cors | undefined {
    return config && config.allowed_origins.length > 0 ? new Cors(config) : undefined;
  }

  private constructor(c: CorsConfig) {
    const origins = c.allowed_origins.map((o) => o.toLowerCase());
    this.#anyOrigin = origins.includes('*');
    this.#exact = new Set(origins.filter((o) => !o.includes('*')));
    this.#patterns = origins
      .filter((o) => o !== '*' && o.includes('*'))
      .map((o) => {
        const i = o.indexOf('*');
        return { prefix: o.slice(0, i), suffix: o.slice(i + 1) };
      });
    const headers = c.allowed_headers.map((h) => h.toLowerCase());
    this.#anyHeader = headers.includes('*');
    this.#headers = new Set([...ALWAYS, ...(headers.length === 0 ? ['x-requested-with'] : headers)]);
    this.#maxAge = c.max_age > 0 ? String(c.max_age) : undefined;
  }

  #allowed(origin: string): boolean {
    if (this.#anyOrigin) return true;
    const o = origin.toLowerCase();
    if (this.#exact.has(o)) return true;
    for (const p of this.#patterns) {
      if (o.length >= p.prefix.length + p.suffix.length && o.startsWith(p.prefix) && o.endsWith(p.suffix)) return true;
    }
    return false;
  }

  /** Answers a preflight and returns true; false for any other request. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    res.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    const origin = req.headers.origin;
    const method = String(req.headers['access-control-request-method']).toUpperCase();
    const asked = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    // A refused preflight gets no CORS headers: the browser then stops the request itself.
    if (origin !== undefined && this.#allowed(origin) && method === 'POST' && (this.#anyHeader || asked.every((h) => this.#headers.has(h)))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      if (asked.length > 0) res.setHeader('Access-Control-Allow-Headers', asked.join(', '));
      if (this.#maxAge !== undefined) res.setHeader('Access-Control-Max-Age', this.#maxAge);
    }
    res.writeHead(204).end();
    return true;
  }

  /** Adds the CORS headers to the answer of a request from an allowed origin. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    res.setHeader('Vary', 'Origin');
    if (!this.#allowed(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
}

import { z } from 'zod';
import { duration, endpoint } from '../../config/schema-helpers.ts';
import { serverSecurityFields } from '../../net/tls-config.ts';

export const statusConfig = z.strictObject({
  /** Where the page, its API, the tap and `POST /reload` are served. Default 127.0.0.1:55679. */
  endpoint: endpoint('127.0.0.1:55679').describe('host:port to serve the status page on'),
  /** Default 1s: how often the page gets new numbers (server-sent events). */
  refresh_interval: duration('1s'),
  /** Default 16: pages open at once; more are answered 503. */
  max_viewers: z.number().int().positive().default(16),
  tap: z
    .strictObject({
      /** Default false: `genrf-collector tap` is refused (403) unless this is true. */
      enabled: z.boolean().default(false),
      /** Default 100: records per second one tap may sample (the rest pass untouched). */
      max_records_per_second: z.number().int().positive().default(100),
      /** Default 4: taps open at once; more are answered 429. */
      max_sessions: z.number().int().positive().default(4),
      /** Default 64: samples held for a slow reader; past it samples (never records) are dropped. */
      buffer: z.number().int().positive().default(64),
    })
    .prefault({}),
  /**
   * `POST /reload`, behind a bearer token: give token_file or token_env (not both). Default:
   * absent, and `POST /reload` answers 403.
   */
  reload: z
    .strictObject({
      /** A file holding the token (whitespace around it is ignored); read at start. */
      token_file: z.string().min(1).optional(),
      /** The name of an environment variable holding the token; read at start. */
      token_env: z.string().min(1).optional(),
    })
    .refine((r) => (r.token_file === undefined) !== (r.token_env === undefined), {
      message: 'reload needs exactly one of token_file or token_env',
    })
    .optional(),
  ...serverSecurityFields(),
});

export type StatusConfig = z.output<typeof statusConfig>;

export const statusListeners = (c: StatusConfig) => [{ path: [], endpoint: c.endpoint, tls: c.tls !== undefined, authenticator: c.auth?.authenticator }];

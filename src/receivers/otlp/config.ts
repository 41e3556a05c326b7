import { z } from 'zod';
import { duration, endpoint } from '../../config/schema-helpers.ts';
import { serverSecurityFields } from '../../net/tls-config.ts';
import { corsSchema } from './cors.ts';

// Options in the OpenTelemetry Collector's shape (`protocols.grpc`, `protocols.http`), so an
// otelcol config reads the same here. A protocol is on when its key is present; YAML
// `grpc:` with nothing after it (null) means "on, with the defaults".

const MIB = 1024 * 1024;

/**
 * The default bound on items per request. A request is counted while it is scanned and the scan
 * stops at the limit, so a tiny compressed body of millions of empty records costs nothing.
 * 65,536 is 8 times the batch size of the OpenTelemetry SDKs' largest default export batch
 * (otelcol's send_batch_size, 8192) and below the batch processor's default max_pending_items.
 */
export const DEFAULT_MAX_ITEMS_PER_REQUEST = 65_536;
const maxItems = () => z.number().int().positive().default(DEFAULT_MAX_ITEMS_PER_REQUEST);

const grpcSchema = z.strictObject({
  /** Where the gRPC server listens. */
  endpoint: endpoint('127.0.0.1:4317'),
  /** Largest message accepted, in MiB: checked on the declared length before it is read, and after decompression (RESOURCE_EXHAUSTED above it). */
  max_recv_msg_size_mib: z.number().positive().default(4),
  /** Items (spans, data points, log records) in one request at most; above it: INVALID_ARGUMENT. */
  max_items_per_request: maxItems(),
  /** Concurrent calls per HTTP/2 connection (SETTINGS_MAX_CONCURRENT_STREAMS); 0 = no limit. */
  max_concurrent_streams: z.number().int().nonnegative().default(100),
  ...serverSecurityFields(),
  /** Default false. True: the authenticated subject becomes the resource attribute `auth.subject` (needs auth). */
  include_metadata: z.boolean().default(false),
});

const pathSchema = (def: string) =>
  z
    .string()
    .regex(/^\/[^\s?#]*$/, 'expected an absolute URL path such as /v1/traces')
    .default(def);

const httpSchema = z.strictObject({
  /** Where the HTTP server listens. */
  endpoint: endpoint('127.0.0.1:4318'),
  /** Largest request body in bytes, checked on the wire and again after decompression. */
  max_request_body_size: z
    .number()
    .int()
    .positive()
    .default(20 * MIB),
  /** Items (spans, data points, log records) in one request at most, after decompression; above it: 413. */
  max_items_per_request: maxItems(),
  traces_url_path: pathSchema('/v1/traces'),
  metrics_url_path: pathSchema('/v1/metrics'),
  logs_url_path: pathSchema('/v1/logs'),
  /** Requests being read or pushed at once; above it a request is answered 503 at once. */
  max_concurrent_requests: z.number().int().positive().default(1000),
  /** Time to receive a request's headers. */
  read_header_timeout: duration('10s'),
  /** Time to receive a whole request (headers and body). */
  read_timeout: duration('30s'),
  /** How long an idle keep-alive connection is kept open. */
  idle_timeout: duration('60s'),
  ...serverSecurityFields(),
  /** Default false. True: the authenticated subject becomes the resource attribute `auth.subject` (needs auth). */
  include_metadata: z.boolean().default(false),
  /** Default: none (no CORS headers; browsers on other origins cannot send). */
  cors: corsSchema.optional(),
});

export type OtlpGrpcConfig = z.output<typeof grpcSchema>;
export type OtlpHttpConfig = z.output<typeof httpSchema>;

// `null` (a bare `grpc:` key) becomes the defaults; absent stays undefined (protocol off).
const orDefaults = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? {} : v), schema.optional());

export const otlpReceiverConfig = z
  .strictObject({
    protocols: z
      .strictObject({
        grpc: orDefaults(grpcSchema),
        http: orDefaults(httpSchema),
      })
      .default({}),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.protocols.grpc === undefined && cfg.protocols.http === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['protocols'],
        message: 'enable at least one protocol: add `grpc:` and/or `http:` under protocols',
      });
    }
    for (const name of ['grpc', 'http'] as const) {
      const p = cfg.protocols[name];
      if (p?.include_metadata && p.auth === undefined) {
        ctx.addIssue({ code: 'custom', path: ['protocols', name, 'include_metadata'], message: 'include_metadata needs auth: set auth.authenticator, whose subject it records' });
      }
    }
    const h = cfg.protocols.http;
    if (h) {
      const paths = [h.traces_url_path, h.metrics_url_path, h.logs_url_path];
      if (new Set(paths).size !== paths.length) {
        ctx.addIssue({ code: 'custom', path: ['protocols', 'http'], message: `the url paths must differ: ${paths.join(', ')}` });
      }
      if (h.read_header_timeout > h.read_timeout) {
        ctx.addIssue({ code: 'custom', path: ['protocols', 'http', 'read_header_timeout'], message: 'read_header_timeout must not exceed read_timeout' });
      }
    }
  });

export type OtlpReceiverConfig = z.output<typeof otlpReceiverConfig>;

/** The receiver's servers, for `validate` (auth references, exposure beyond loopback). */
export function otlpListeners(cfg: OtlpReceiverConfig) {
  const out = [];
  for (const name of ['grpc', 'http'] as const) {
    const p = cfg.protocols[name];
    if (p) out.push({ path: ['protocols', name], endpoint: p.endpoint, tls: p.tls !== undefined, authenticator: p.auth?.authenticator });
  }
  return out;
}

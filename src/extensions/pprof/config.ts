import { z } from 'zod';
import { endpoint } from '../../config/schema-helpers.ts';
import { splitEndpoint } from '../../net/endpoint.ts';

// Profiles show the daemon's code and a heap snapshot holds every string in memory (telemetry
// data included, PII before redaction): the endpoint is for the machine's own users only.
const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

export const pprofConfig = z.strictObject({
  /** Where /debug/pprof/ is served. Default 127.0.0.1:1777 (otelcol's pprof port); loopback only. */
  endpoint: endpoint('127.0.0.1:1777')
    .refine((ep) => LOOPBACK.test(splitEndpoint(ep).host), {
      message: 'pprof serves on a loopback address only (127.0.0.1, ::1 or localhost): a profile or a heap snapshot exposes the data in memory; reach it with ssh or kubectl port-forward',
    })
    .describe('host:port to serve the profiles on (loopback only)'),
  /** Longest CPU profile a request may ask for, in seconds. Default 60. */
  max_seconds: z.number().int().positive().max(3600).default(60).describe('longest CPU profile, in seconds'),
  /** CPU profile length when the request gives no `seconds`. Default 30 (as Go's pprof); at most max_seconds. */
  default_seconds: z.number().int().positive().default(30).describe('CPU profile length when the request gives none'),
  /** Microseconds between CPU samples. Default 1000 (V8's default). */
  sampling_interval_us: z.number().int().min(10).max(1_000_000).default(1000).describe('microseconds between CPU samples'),
});

export type PprofConfig = z.output<typeof pprofConfig>;

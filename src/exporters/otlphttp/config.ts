import { z } from 'zod';
import { compressionSchema, headersSchema, tlsSchema } from '../../net/client-config.ts';
import { exporterHelperFields } from '../helper/config.ts';

const url = (what: string) => z.string().regex(/^https?:\/\/[^\s/]+/, `${what} must be an http:// or https:// URL, e.g. https://collector.internal:4318`);

export const otlpHttpExporterConfig = z.strictObject({
  /** Base URL; `/v1/traces`, `/v1/metrics` or `/v1/logs` is appended. Required unless the signal's own URL is set. */
  endpoint: url('endpoint').optional(),
  /** Full URL for traces, used as is (overrides `endpoint`). */
  traces_endpoint: url('traces_endpoint').optional(),
  /** Full URL for metrics, used as is (overrides `endpoint`). */
  metrics_endpoint: url('metrics_endpoint').optional(),
  /** Full URL for logs, used as is (overrides `endpoint`). */
  logs_endpoint: url('logs_endpoint').optional(),
  /** Default proto: `application/x-protobuf`; json: OTLP/JSON. */
  encoding: z.enum(['proto', 'json']).default('proto'),
  /** Default gzip. */
  compression: compressionSchema(),
  /** Default {}: extra request headers, e.g. an API key. */
  headers: headersSchema(),
  /** For https:// URLs (`insecure` is ignored: the URL's scheme decides). */
  tls: tlsSchema(),
  ...exporterHelperFields(),
});

export type OtlpHttpExporterConfig = z.output<typeof otlpHttpExporterConfig>;

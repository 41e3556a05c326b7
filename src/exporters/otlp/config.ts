import { z } from 'zod';
import { compressionSchema, headersSchema, tlsSchema } from '../../net/client-config.ts';
import { exporterHelperFields } from '../helper/config.ts';

const GRPC_ENDPOINT_RE = /^(https?:\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}\/?$/;

export const otlpExporterConfig = z.strictObject({
  /** Required: the peer's OTLP/gRPC address, `host:port` or `http(s)://host:port` (http:// = plain text). */
  endpoint: z.string().regex(GRPC_ENDPOINT_RE, 'expected host:port or http(s)://host:port, e.g. collector.internal:4317'),
  /** TLS is on unless `tls.insecure: true` or the endpoint starts with http://. */
  tls: tlsSchema(),
  /** Default {}: gRPC metadata sent with every request. */
  headers: headersSchema(),
  /** Default gzip. */
  compression: compressionSchema(),
  ...exporterHelperFields(),
});

export type OtlpExporterConfig = z.output<typeof otlpExporterConfig>;

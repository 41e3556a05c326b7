import { z } from 'zod';
import { compressionSchema, headersSchema, tlsSchema } from '../../net/client-config.ts';
import { exporterHelperFields } from '../helper/config.ts';

const GRPC_ENDPOINT_RE = /^(https?:\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}\/?$/;
const HTTP_URL_RE = /^https?:\/\/[^\s/]+(\/\S*)?$/;

export const jaegerExporterConfig = z
  .strictObject({
    /**
     * Required: the Jaeger collector's OTLP endpoint. gRPC: `host:port` or `http(s)://host:port`
     * (e.g. http://127.0.0.1:4317); HTTP: a base URL (http://127.0.0.1:4318) to which
     * `/v1/traces` is appended.
     */
    endpoint: z.string().min(1),
    /** Default grpc (OTLP/gRPC); http: OTLP/HTTP with protobuf bodies. */
    protocol: z.enum(['grpc', 'http']).default('grpc'),
    /** gRPC: TLS unless `insecure: true` or an http:// endpoint. HTTP: the URL's scheme decides. */
    tls: tlsSchema(),
    /** Default {}: gRPC metadata or HTTP headers sent with every request. */
    headers: headersSchema(),
    /** Default gzip. */
    compression: compressionSchema(),
    /** Default `unknown_service`: set as `service.name` on resources that lack one (Jaeger files traces by service). */
    default_service_name: z.string().min(1).default('unknown_service'),
    ...exporterHelperFields(),
  })
  .superRefine((c, ctx) => {
    if (c.protocol === 'grpc' && !GRPC_ENDPOINT_RE.test(c.endpoint)) {
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'expected host:port or http(s)://host:port for protocol grpc, e.g. http://127.0.0.1:4317' });
    }
    if (c.protocol === 'http' && !HTTP_URL_RE.test(c.endpoint)) {
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'expected an http:// or https:// URL for protocol http, e.g. http://127.0.0.1:4318' });
    }
  });

export type JaegerExporterConfig = z.output<typeof jaegerExporterConfig>;

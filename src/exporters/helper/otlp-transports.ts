import type { CreateSettings } from '../../pipeline/component.ts';
import type { TlsConfig } from '../../net/client-config.ts';
import { OtlpGrpcTransport } from '../../net/grpc-transport.ts';
import { OtlpHttpTransport } from '../../net/http-transport.ts';

// The OTLP client transports built from an exporter's client options, for every exporter
// that speaks OTLP (otlp, otlphttp, jaeger). Errors name the exporter.

/** The client options a gRPC transport is built from (the otlp and jaeger exporters have them). */
export interface GrpcClientConfig {
  endpoint: string;
  tls: TlsConfig;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** Milliseconds. */
  timeout: number;
}

export function grpcTransport(settings: CreateSettings, config: GrpcClientConfig): OtlpGrpcTransport {
  return new OtlpGrpcTransport({
    endpoint: config.endpoint,
    tls: config.tls,
    headers: config.headers,
    compression: config.compression,
    timeoutMs: config.timeout,
    who: `exporter ${settings.id.text}`,
  });
}

/** The client options an HTTP transport is built from, besides its URL (the otlphttp and jaeger exporters have them). */
export interface HttpClientConfig {
  compression: 'gzip' | 'none';
  headers: Record<string, string>;
  tls: TlsConfig;
}

export function httpTransport(settings: CreateSettings, config: HttpClientConfig, url: string, encoding: 'proto' | 'json'): OtlpHttpTransport {
  return new OtlpHttpTransport({
    url,
    encoding,
    compression: config.compression,
    headers: config.headers,
    tls: config.tls,
    who: `exporter ${settings.id.text}`,
  });
}

import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { OtlpSender } from '../helper/otlp-sender.ts';
import { createQueuedExporter } from '../helper/queued-exporter.ts';
import type { OtlpExporterConfig } from './config.ts';
import { OtlpGrpcTransport } from '../../net/grpc-transport.ts';

/** The client settings a gRPC transport is built from (the jaeger exporter has them too). */
export type GrpcClientConfig = Pick<OtlpExporterConfig, 'endpoint' | 'tls' | 'headers' | 'compression' | 'timeout'>;

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

/** Sends batches as OTLP/gRPC Export requests; a batch received as protobuf goes out as is. */
export function createOtlpExporter(settings: CreateSettings, config: OtlpExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new OtlpSender(settings, grpcTransport(settings, config)));
}

import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { OtlpSender } from '../helper/otlp-sender.ts';
import { grpcTransport } from '../helper/otlp-transports.ts';
import { createQueuedExporter } from '../helper/queued-exporter.ts';
import type { OtlpExporterConfig } from './config.ts';

/** Sends batches as OTLP/gRPC Export requests; a batch received as protobuf goes out as is. */
export function createOtlpExporter(settings: CreateSettings, config: OtlpExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new OtlpSender(settings, grpcTransport(settings, config)));
}

import type { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { reportPartialSuccess } from '../helper/partial-success.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { OtlpExporterConfig } from './config.ts';
import { OtlpGrpcTransport } from './grpc-transport.ts';

/** Sends batches as OTLP/gRPC Export requests; a batch received as protobuf goes out as is. */
class OtlpGrpcSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #transport: OtlpGrpcTransport;

  constructor(settings: CreateSettings, config: OtlpExporterConfig) {
    this.#settings = settings;
    this.#transport = new OtlpGrpcTransport({
      endpoint: config.endpoint,
      tls: config.tls,
      headers: config.headers,
      compression: config.compression,
      timeoutMs: config.timeout,
      who: `exporter ${settings.id.text}`,
    });
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    const partial = await this.#transport.export(signal, batch.toProto(), deadline);
    reportPartialSuccess(this.#settings, signal, partial);
  }

  async shutdown(): Promise<void> {
    this.#transport.close();
  }
}

export function createOtlpExporter(settings: CreateSettings, config: OtlpExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new OtlpGrpcSender(settings, config));
}

import type { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health, Host } from '../../pipeline/component.ts';
import { OtlpSender } from '../helper/otlp-sender.ts';
import { grpcTransport, httpTransport } from '../helper/otlp-transports.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { JaegerExporterConfig } from './config.ts';
import { GrpcReachability, TcpReachability } from './reachability.ts';
import { withServiceName } from './service-name.ts';

/**
 * The exporter helper's queued exporter, with `service.name` made sure of before a batch is
 * queued (once per batch, not once per retry).
 */
class JaegerExporter implements Exporter {
  readonly mutates = false;
  readonly #settings: CreateSettings;
  readonly #inner: Exporter;
  readonly #serviceName: string;
  #namedOnce = false;

  constructor(settings: CreateSettings, config: JaegerExporterConfig, inner: Exporter) {
    this.#settings = settings;
    this.#inner = inner;
    this.#serviceName = config.default_service_name;
  }

  get durable(): boolean {
    return this.#inner.durable === true;
  }

  start(host: Host): Promise<void> {
    return this.#inner.start(host);
  }

  consume(batch: Batch): Promise<void> {
    const { batch: named, added } = withServiceName(batch as Batch<'traces'>, this.#serviceName);
    if (added > 0 && !this.#namedOnce) {
      this.#namedOnce = true;
      this.#settings.logger.info(
        { exporter: this.#settings.id.text, service_name: this.#serviceName },
        `exporter ${this.#settings.id.text}: resources without service.name are sent to Jaeger as "${this.#serviceName}" ` +
          '(set default_service_name to change it, or have the SDK set OTEL_SERVICE_NAME)',
      );
    }
    return this.#inner.consume(named);
  }

  health(): Health {
    return this.#inner.health?.() ?? { healthy: true };
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}

export function createJaegerExporter(settings: CreateSettings, config: JaegerExporterConfig, signal: Signal): Exporter {
  return new JaegerExporter(settings, config, createQueuedExporter(settings, signal, config, jaegerSender(settings, config)));
}

/** OTLP to Jaeger through the OTLP gRPC or HTTP (protobuf) transport, with a reachability check. */
function jaegerSender(settings: CreateSettings, config: JaegerExporterConfig): Sender {
  if (config.protocol === 'http') {
    const transport = httpTransport(settings, config, `${config.endpoint.replace(/\/+$/, '')}/v1/traces`, 'proto');
    return new OtlpSender(settings, transport, { reach: new TcpReachability(transport.url) });
  }
  const transport = grpcTransport(settings, config);
  return new OtlpSender(settings, transport, { reach: new GrpcReachability(transport) });
}

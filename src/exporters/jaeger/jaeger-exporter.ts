import type { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health, Host } from '../../pipeline/component.ts';
import { reportPartialSuccess } from '../helper/partial-success.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import { OtlpGrpcTransport } from '../otlp/grpc-transport.ts';
import { OtlpHttpTransport } from '../otlphttp/http-transport.ts';
import type { JaegerExporterConfig } from './config.ts';
import { GrpcReachability, TcpReachability } from './reachability.ts';
import { withServiceName } from './service-name.ts';

/** OTLP/gRPC to Jaeger, through the otlp exporter's transport. */
class JaegerGrpcSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #transport: OtlpGrpcTransport;
  readonly #reach: GrpcReachability;

  constructor(settings: CreateSettings, config: JaegerExporterConfig) {
    this.#settings = settings;
    this.#transport = new OtlpGrpcTransport({
      endpoint: config.endpoint,
      tls: config.tls,
      headers: config.headers,
      compression: config.compression,
      timeoutMs: config.timeout,
      who: `exporter ${settings.id.text}`,
    });
    this.#reach = new GrpcReachability(this.#transport);
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    reportPartialSuccess(this.#settings, signal, await this.#transport.export(signal, batch.toProto(), deadline));
  }

  health(): Health {
    return this.#reach.health();
  }

  async shutdown(): Promise<void> {
    this.#transport.close();
  }
}

/** OTLP/HTTP (protobuf) to Jaeger, through the otlphttp exporter's transport. */
class JaegerHttpSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #transport: OtlpHttpTransport;
  readonly #reach: TcpReachability;

  constructor(settings: CreateSettings, config: JaegerExporterConfig) {
    this.#settings = settings;
    this.#transport = new OtlpHttpTransport({
      url: `${config.endpoint.replace(/\/+$/, '')}/v1/traces`,
      encoding: 'proto',
      compression: config.compression,
      headers: config.headers,
      tls: config.tls,
      who: `exporter ${settings.id.text}`,
    });
    this.#reach = new TcpReachability(this.#transport.url);
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    reportPartialSuccess(this.#settings, signal, await this.#transport.export(signal, batch.toProto(), deadline));
  }

  health(): Health {
    return this.#reach.health();
  }

  async shutdown(): Promise<void> {
    this.#transport.close();
  }
}

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

  start(host: Host): Promise<void> {
    return this.#inner.start(host);
  }

  consume(batch: Batch): Promise<void> {
    const { batch: named, added } = withServiceName(batch as Batch<'traces'>, this.#serviceName);
    if (added > 0 && !this.#namedOnce) {
      this.#namedOnce = true;
      this.#settings.logger.info({ exporter: this.#settings.id.text, service_name: this.#serviceName },
        `exporter ${this.#settings.id.text}: resources without service.name are sent to Jaeger as "${this.#serviceName}" ` +
          '(set default_service_name to change it, or have the SDK set OTEL_SERVICE_NAME)');
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
  const sender = config.protocol === 'http' ? new JaegerHttpSender(settings, config) : new JaegerGrpcSender(settings, config);
  return new JaegerExporter(settings, config, createQueuedExporter(settings, signal, config, sender));
}

import type { Batch } from '../../pdata/batch.ts';
import { encodeJson } from '../../pdata/json/index.ts';
import type { PartialSuccess, Signal } from '../../pdata/types.ts';
import type { CreateSettings, Health } from '../../pipeline/component.ts';
import { reportPartialSuccess } from './partial-success.ts';
import type { Sender } from './queued-exporter.ts';

/** What the OTLP transports (otlp's gRPC, otlphttp's HTTP) offer a sender. */
export interface OtlpTransport {
  start(): Promise<void>;
  export(signal: Signal, body: Uint8Array, abort: AbortSignal): Promise<PartialSuccess | undefined>;
  close(): void;
}

export interface OtlpSenderOptions {
  /** Send OTLP/JSON bodies; default false: protobuf (a batch received as protobuf goes out as is). */
  json?: boolean;
  /** Adds to `/health` what sends cannot tell (the jaeger exporter's reachability checks). */
  reach?: { health(): Health };
}

/**
 * Sends each batch as one OTLP Export request over a transport; the items a peer rejects in a
 * partial success are logged and counted. Used by the otlp, otlphttp and jaeger exporters.
 */
export class OtlpSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #transport: OtlpTransport;
  readonly #json: boolean;
  readonly #reach: { health(): Health } | undefined;

  constructor(settings: CreateSettings, transport: OtlpTransport, options: OtlpSenderOptions = {}) {
    this.#settings = settings;
    this.#transport = transport;
    this.#json = options.json ?? false;
    this.#reach = options.reach;
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    const body = this.#json ? Buffer.from(encodeJson(signal, batch.data)) : batch.toProto();
    reportPartialSuccess(this.#settings, signal, await this.#transport.export(signal, body, deadline));
  }

  health(): Health {
    return this.#reach?.health() ?? { healthy: true };
  }

  async shutdown(): Promise<void> {
    this.#transport.close();
  }
}

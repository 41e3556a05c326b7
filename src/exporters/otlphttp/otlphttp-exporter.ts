import type { Batch } from '../../pdata/batch.ts';
import { encodeJson } from '../../pdata/json/index.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { reportPartialSuccess } from '../helper/partial-success.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { OtlpHttpExporterConfig } from './config.ts';
import { OtlpHttpTransport } from './http-transport.ts';

const SIGNAL_PATH: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

/** The URL for one signal: its own `<signal>_endpoint`, else `endpoint` + `/v1/<signal>`. */
export function signalUrl(config: OtlpHttpExporterConfig, signal: Signal, id: string): string {
  const own = config[`${signal}_endpoint`];
  if (own !== undefined) return own;
  if (config.endpoint === undefined) {
    throw new Error(`exporter ${id}: set endpoint (the base URL, e.g. http://collector:4318) or ${signal}_endpoint (the full URL)`);
  }
  return config.endpoint.replace(/\/+$/, '') + SIGNAL_PATH[signal];
}

class OtlpHttpSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #json: boolean;
  readonly #transport: OtlpHttpTransport;

  constructor(settings: CreateSettings, config: OtlpHttpExporterConfig, signal: Signal) {
    this.#settings = settings;
    this.#json = config.encoding === 'json';
    this.#transport = new OtlpHttpTransport({
      url: signalUrl(config, signal, settings.id.text),
      encoding: config.encoding,
      compression: config.compression,
      headers: config.headers,
      tls: config.tls,
      who: `exporter ${settings.id.text}`,
    });
  }

  start(): Promise<void> {
    return this.#transport.start();
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    const body = this.#json ? Buffer.from(encodeJson(signal, batch.data)) : batch.toProto();
    reportPartialSuccess(this.#settings, signal, await this.#transport.export(signal, body, deadline));
  }

  async shutdown(): Promise<void> {
    this.#transport.close();
  }
}

export function createOtlpHttpExporter(settings: CreateSettings, config: OtlpHttpExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new OtlpHttpSender(settings, config, signal));
}

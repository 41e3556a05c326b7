import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { OtlpSender } from '../helper/otlp-sender.ts';
import { httpTransport } from '../helper/otlp-transports.ts';
import { createQueuedExporter } from '../helper/queued-exporter.ts';
import type { OtlpHttpExporterConfig } from './config.ts';

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

export function createOtlpHttpExporter(settings: CreateSettings, config: OtlpHttpExporterConfig, signal: Signal): Exporter {
  const transport = httpTransport(settings, config, signalUrl(config, signal, settings.id.text), config.encoding);
  return createQueuedExporter(settings, signal, config, new OtlpSender(settings, transport, { json: config.encoding === 'json' }));
}

import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { OtlpSender } from '../helper/otlp-sender.ts';
import { createQueuedExporter } from '../helper/queued-exporter.ts';
import type { OtlpHttpExporterConfig } from './config.ts';
import { OtlpHttpTransport } from '../../net/http-transport.ts';

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

/** The client settings an HTTP transport is built from, besides its URL (the jaeger exporter has them too). */
export type HttpClientConfig = Pick<OtlpHttpExporterConfig, 'compression' | 'headers' | 'tls'>;

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

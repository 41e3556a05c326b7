import type { ExporterFactory } from '../../pipeline/component.ts';
import { prometheusExporterConfig, prometheusListeners, type PrometheusExporterConfig } from './config.ts';
import { PrometheusExporter } from './prometheus-exporter.ts';

export const prometheusExporterFactory: ExporterFactory<PrometheusExporterConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  description: 'Serves the metrics it receives for Prometheus to scrape (text format 0.0.4 and OpenMetrics 1.0), under Prometheus names',
  config: prometheusExporterConfig,
  signals: { metrics: 'beta' },
  create: (settings, config, signal) => new PrometheusExporter(settings, config, signal),
  listeners: prometheusListeners,
  // The exposition a scrape would get, without a port: the real naming and ingest.
  preview: (settings, config, signal) => {
    const exporter = new PrometheusExporter(settings, config, signal);
    return { consume: (batch) => void exporter.consume(batch), text: () => exporter.scrape('text') };
  },
};

import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { prometheusExporterConfig, prometheusListeners, type PrometheusExporterConfig } from './config.ts';

const impl = lazyModule('exporter prometheus', () => import('./prometheus-exporter.ts'));

export const prometheusExporterFactory: ExporterFactory<PrometheusExporterConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  description: 'Serves the metrics it receives for Prometheus to scrape (text format 0.0.4 and OpenMetrics 1.0), under Prometheus names',
  config: prometheusExporterConfig,
  signals: { metrics: 'beta' },
  load: impl.load,
  create: (settings, config, signal) => new impl.module.PrometheusExporter(settings, config, signal),
  listeners: prometheusListeners,
  // The exposition a scrape would get, without a port: the real naming and ingest.
  preview: (settings, config, signal) => {
    const exporter = new impl.module.PrometheusExporter(settings, config, signal);
    return { consume: (batch) => void exporter.consume(batch), text: () => exporter.scrape('text') };
  },
};

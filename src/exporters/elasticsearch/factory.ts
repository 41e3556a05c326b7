import type { ExporterFactory } from '../../pipeline/component.ts';
import { elasticsearchExporterConfig, type ElasticsearchExporterConfig } from './config.ts';
import { createElasticsearchExporter } from './elasticsearch-exporter.ts';

export const elasticsearchExporterFactory: ExporterFactory<ElasticsearchExporterConfig> = {
  kind: 'exporter',
  type: 'elasticsearch',
  description: 'Indexes logs and spans in Elasticsearch with the bulk API (genrf, otel, ecs or raw documents)',
  config: elasticsearchExporterConfig,
  signals: { logs: 'alpha', traces: 'alpha' },
  create: (settings, config, signal) => createElasticsearchExporter(settings, config, signal),
};

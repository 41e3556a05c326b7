import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { elasticsearchExporterConfig, type ElasticsearchExporterConfig } from './config.ts';

const impl = lazyModule('exporter elasticsearch', () => import('./elasticsearch-exporter.ts'));

export const elasticsearchExporterFactory: ExporterFactory<ElasticsearchExporterConfig> = {
  kind: 'exporter',
  type: 'elasticsearch',
  description: 'Indexes logs and spans in Elasticsearch with the bulk API (genrf, otel, ecs or raw documents)',
  config: elasticsearchExporterConfig,
  signals: { logs: 'alpha', traces: 'alpha' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createElasticsearchExporter(settings, config, signal),
};

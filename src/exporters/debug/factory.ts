import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { debugExporterConfig, type DebugExporterConfig } from './config.ts';

const impl = lazyModule('exporter debug', () => import('./debug-exporter.ts'));

export const debugExporterFactory: ExporterFactory<DebugExporterConfig> = {
  kind: 'exporter',
  type: 'debug',
  description: 'Prints a summary or every record of each batch on stderr, for debugging pipelines',
  config: debugExporterConfig,
  signals: { traces: 'development', metrics: 'development', logs: 'development' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createDebugExporter(settings, config, signal),
};

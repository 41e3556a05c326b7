import type { ExporterFactory } from '../../pipeline/component.ts';
import { debugExporterConfig, type DebugExporterConfig } from './config.ts';
import { createDebugExporter } from './debug-exporter.ts';

export const debugExporterFactory: ExporterFactory<DebugExporterConfig> = {
  kind: 'exporter',
  type: 'debug',
  description: 'Prints a summary or every record of each batch on stderr, for debugging pipelines',
  config: debugExporterConfig,
  signals: { traces: 'development', metrics: 'development', logs: 'development' },
  create: (settings, config, signal) => createDebugExporter(settings, config, signal),
};

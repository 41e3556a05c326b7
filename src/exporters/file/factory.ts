import type { ExporterFactory } from '../../pipeline/component.ts';
import { fileExporterConfig, type FileExporterConfig } from './config.ts';
import { createFileExporter } from './file-exporter.ts';

export const fileExporterFactory: ExporterFactory<FileExporterConfig> = {
  kind: 'exporter',
  type: 'file',
  description: 'Appends OTLP JSON, one export request per line, to a file with optional size-based rotation',
  config: fileExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  create: (settings, config, signal) => createFileExporter(settings, config, signal),
};

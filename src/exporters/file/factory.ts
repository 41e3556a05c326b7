import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { fileExporterConfig, type FileExporterConfig } from './config.ts';

const impl = lazyModule('exporter file', () => import('./file-exporter.ts'));

export const fileExporterFactory: ExporterFactory<FileExporterConfig> = {
  kind: 'exporter',
  type: 'file',
  description: 'Appends OTLP JSON, one export request per line, to a file with optional size-based rotation',
  config: fileExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createFileExporter(settings, config, signal),
};

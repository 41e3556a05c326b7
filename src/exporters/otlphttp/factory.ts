import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { otlpHttpExporterConfig, type OtlpHttpExporterConfig } from './config.ts';

const impl = lazyModule('exporter otlphttp', () => import('./otlphttp-exporter.ts'));

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpExporterConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  description: 'Sends OTLP over HTTP (protobuf or JSON) to another collector or an OTLP backend',
  config: otlpHttpExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createOtlpHttpExporter(settings, config, signal),
};

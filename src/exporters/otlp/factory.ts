import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { otlpExporterConfig, type OtlpExporterConfig } from './config.ts';

const impl = lazyModule('exporter otlp', () => import('./otlp-exporter.ts'));

export const otlpExporterFactory: ExporterFactory<OtlpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  description: 'Sends OTLP over gRPC to another collector or an OTLP backend',
  config: otlpExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createOtlpExporter(settings, config, signal),
};

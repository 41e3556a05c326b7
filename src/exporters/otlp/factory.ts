import type { ExporterFactory } from '../../pipeline/component.ts';
import { otlpExporterConfig, type OtlpExporterConfig } from './config.ts';
import { createOtlpExporter } from './otlp-exporter.ts';

export const otlpExporterFactory: ExporterFactory<OtlpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  description: 'Sends OTLP over gRPC to another collector or an OTLP backend',
  config: otlpExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  create: (settings, config, signal) => createOtlpExporter(settings, config, signal),
};

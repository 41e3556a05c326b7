import type { ExporterFactory } from '../../pipeline/component.ts';
import { otlpHttpExporterConfig, type OtlpHttpExporterConfig } from './config.ts';
import { createOtlpHttpExporter } from './otlphttp-exporter.ts';

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpExporterConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  description: 'Sends OTLP over HTTP (protobuf or JSON) to another collector or an OTLP backend',
  config: otlpHttpExporterConfig,
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  create: (settings, config, signal) => createOtlpHttpExporter(settings, config, signal),
};

import type { ExporterFactory } from '../../pipeline/component.ts';
import { jaegerExporterConfig, type JaegerExporterConfig } from './config.ts';
import { createJaegerExporter } from './jaeger-exporter.ts';

export const jaegerExporterFactory: ExporterFactory<JaegerExporterConfig> = {
  kind: 'exporter',
  type: 'jaeger',
  description: 'Sends traces to Jaeger over OTLP (gRPC by default, or HTTP), naming resources that lack service.name',
  config: jaegerExporterConfig,
  signals: { traces: 'beta' },
  create: (settings, config, signal) => createJaegerExporter(settings, config, signal),
};

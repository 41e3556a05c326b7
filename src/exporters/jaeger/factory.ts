import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { jaegerExporterConfig, type JaegerExporterConfig } from './config.ts';

const impl = lazyModule('exporter jaeger', () => import('./jaeger-exporter.ts'));

export const jaegerExporterFactory: ExporterFactory<JaegerExporterConfig> = {
  kind: 'exporter',
  type: 'jaeger',
  description: 'Sends traces to Jaeger over OTLP (gRPC by default, or HTTP), naming resources that lack service.name',
  config: jaegerExporterConfig,
  signals: { traces: 'beta' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createJaegerExporter(settings, config, signal),
};

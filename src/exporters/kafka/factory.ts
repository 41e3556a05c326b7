import { kafkaLinkWarnings } from '../../kafka/client-config.ts';
import type { ExporterFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { kafkaExporterConfig, type KafkaExporterConfig } from './config.ts';

const impl = lazyModule('exporter kafka', () => import('./kafka-exporter.ts'));

export const kafkaExporterFactory: ExporterFactory<KafkaExporterConfig> = {
  kind: 'exporter',
  type: 'kafka',
  description: 'Writes traces, metrics and logs to Kafka topics (OTLP protobuf/JSON; structlog JSON or raw for logs)',
  config: kafkaExporterConfig,
  linkWarnings: kafkaLinkWarnings,
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  load: impl.load,
  create: (settings, config, signal) => impl.module.createKafkaExporter(settings, config, signal),
};

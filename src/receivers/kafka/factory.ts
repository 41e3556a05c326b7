import type { ReceiverFactory } from '../../pipeline/component.ts';
import { kafkaReceiverConfig, type KafkaReceiverConfig } from './config.ts';
import { KafkaReceiver } from './receiver.ts';

export const kafkaReceiverFactory: ReceiverFactory<KafkaReceiverConfig> = {
  kind: 'receiver',
  type: 'kafka',
  description: 'Consumes traces, metrics and logs from Kafka topics in a consumer group; commits only what every pipeline accepted.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: kafkaReceiverConfig,
  create: (settings, config, consumers) => new KafkaReceiver(settings, config, consumers),
};

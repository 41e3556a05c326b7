import { kafkaLinkWarnings } from '../../kafka/client-config.ts';
import type { ReceiverFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { kafkaReceiverConfig, type KafkaReceiverConfig } from './config.ts';

const impl = lazyModule('receiver kafka', async () => {
  const [receiver, decode] = await Promise.all([import('./receiver.ts'), import('./decode-input.ts')]);
  return { ...receiver, ...decode };
});

export const kafkaReceiverFactory: ReceiverFactory<KafkaReceiverConfig> = {
  kind: 'receiver',
  type: 'kafka',
  description: 'Consumes traces, metrics and logs from Kafka topics in a consumer group; commits only what every pipeline accepted.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: kafkaReceiverConfig,
  linkWarnings: kafkaLinkWarnings,
  load: impl.load,
  create: (settings, config, consumers) => new impl.module.KafkaReceiver(settings, config, consumers),
  // One message value as the receiver decodes it: the topic's encoding, the size limit and
  // header_extraction (a message it cannot decode goes to the dead-letter topic).
  decode: (config, input) => impl.module.decodeKafkaInput(config, input),
};

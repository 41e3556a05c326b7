// Kafka smoke test: create a topic, produce a message, consume it back (real broker from
// scripts/services/up kafka, client @platformatic/kafka).
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { expect, it } from 'vitest';
import { describeService, requireService } from './helpers/services.ts';

const kafka = await requireService('kafka');

describeService(kafka, 'kafka: produce and consume', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');

  it('consumes the message it produced', async () => {
    const id = randomUUID();
    const topic = `smoke-${id}`;
    const admin = new Admin({ clientId: 'smoke-admin', bootstrapBrokers: brokers });
    const producer = new Producer({ clientId: 'smoke-producer', bootstrapBrokers: brokers, serializers: stringSerializers });
    const consumer = new Consumer({
      clientId: 'smoke-consumer',
      groupId: `smoke-${id}`,
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
    });
    try {
      await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
      await producer.send({ messages: [{ topic, key: 'k', value: `hello ${id}` }] });

      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: true });
      let received: { key: string; value: string } | undefined;
      for await (const message of stream) {
        received = { key: message.key, value: message.value };
        break;
      }
      await stream.close();
      expect(received).toEqual({ key: 'k', value: `hello ${id}` });
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await consumer.close(true);
      await producer.close();
      await admin.close();
    }
  }, 60_000);
});

import type { BaseOptions, Producer } from '@platformatic/kafka';
import { loadKafka } from '../../kafka/lib.ts';
import type { KafkaMessage } from './partition-queue.ts';

// The dead-letter topic: messages that cannot be decoded (or are over max_message_bytes)
// are written there as they came, with why in their headers, so that the partition moves on
// and an operator can inspect or replay them.

export const DLQ_HEADERS = {
  error: 'genrf.error',
  topic: 'genrf.original.topic',
  partition: 'genrf.original.partition',
  offset: 'genrf.original.offset',
} as const;

export class DeadLetterWriter {
  readonly #options: BaseOptions;
  #producer: Producer | undefined;

  constructor(options: BaseOptions) {
    this.#options = options;
  }

  /** Writes the message to `topic` with the error in its headers. Rejects with the client's error. */
  async write(topic: string, m: KafkaMessage, error: string): Promise<void> {
    const { Producer, ProduceAcks } = await loadKafka();
    this.#producer ??= new Producer({ ...this.#options, acks: ProduceAcks.ALL, idempotent: false, autocreateTopics: true });
    const headers = new Map<Buffer, Buffer>([
      [Buffer.from(DLQ_HEADERS.error), Buffer.from(error)],
      [Buffer.from(DLQ_HEADERS.topic), Buffer.from(m.topic)],
      [Buffer.from(DLQ_HEADERS.partition), Buffer.from(String(m.partition))],
      [Buffer.from(DLQ_HEADERS.offset), Buffer.from(String(m.offset))],
    ]);
    await this.#producer.send({ messages: [{ topic, key: m.key ?? undefined, value: m.value ?? Buffer.alloc(0), headers }] });
  }

  async close(): Promise<void> {
    const p = this.#producer;
    this.#producer = undefined;
    await p?.close();
  }
}

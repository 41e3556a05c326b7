import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { loadKafka } from '../../kafka/lib.ts';
import type { Batch } from '../../pdata/batch.ts';
import { countItems, splitData } from '../../pdata/ops.ts';
import type { Signal, SignalData } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { clientOptions } from '../../kafka/client-config.ts';
import { encodeGroup, type KafkaEncoding } from '../../kafka/encoding.ts';
import { toKafkaExportError } from '../../kafka/errors.ts';
import { groupByKey } from '../../kafka/partition.ts';
import { ExportError } from '../../net/export-error.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { KafkaExporterConfig } from './config.ts';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Sends one batch as Kafka messages keyed by trace id / service name; the helper retries. */
class KafkaSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #config: KafkaExporterConfig;
  readonly #topic: string;
  readonly #encoding: KafkaEncoding;
  readonly #who: string;
  #producer: Producer | undefined;

  constructor(settings: CreateSettings, config: KafkaExporterConfig, signal: Signal) {
    this.#settings = settings;
    this.#config = config;
    this.#topic = config[signal].topic;
    this.#encoding = config[signal].encoding;
    this.#who = `exporter ${settings.id.text}`;
  }

  async start(): Promise<void> {
    const { Producer, ProduceAcks } = await loadKafka();
    const p = this.#config.producer;
    const acks = p.required_acks === 'all' || p.required_acks === -1 ? ProduceAcks.ALL : p.required_acks === 1 ? ProduceAcks.LEADER : ProduceAcks.NO_RESPONSE;
    // The client connects on the first send, so a broker that is down at start is retried
    // by the helper like any other outage instead of failing the daemon's start.
    this.#producer = new Producer({
      ...(await clientOptions(this.#config, this.#who)),
      acks,
      idempotent: p.idempotent,
      compression: p.compression,
      autocreateTopics: true,
    });
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    const producer = this.#producer;
    if (producer === undefined) throw ExportError.permanent(`${this.#who}: not started`);
    const messages: Message[] = [];
    for (const group of groupByKey(signal, batch.data)) {
      const key = group.key === '' ? undefined : Buffer.from(group.key);
      this.#encode(signal, group.data, group.whole ? batch : undefined, key, messages);
    }
    if (messages.length === 0) return;
    if (deadline.aborted) throw deadline.reason;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(deadline.reason);
      deadline.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // With an idempotent producer a send cut by the deadline and sent again is not
      // written twice; without, it may be (at-least-once).
      await Promise.race([producer.send({ messages }), aborted]);
    } catch (err) {
      if (err instanceof ExportError) throw err;
      throw toKafkaExportError(err, this.#who);
    } finally {
      deadline.removeEventListener('abort', onAbort!);
    }
  }

  /** Appends the group's messages, halving it while an encoded message is over the size limit. */
  #encode(signal: Signal, data: SignalData[Signal], whole: Batch | undefined, key: Buffer | undefined, out: Message[]): void {
    const max = this.#config.producer.max_message_bytes;
    const proto = whole !== undefined && this.#encoding === 'otlp_proto' ? whole.toProto() : undefined;
    const values = encodeGroup(signal, this.#encoding, data, proto);
    const topic = this.#topic;
    for (const value of values) {
      if (value.byteLength > max) {
        const items = whole?.items ?? countItems(signal, data);
        if (values.length === 1 && items > 1) {
          for (const part of splitData(signal, data, Math.ceil(items / 2))) this.#encode(signal, part, undefined, key, out);
          return;
        }
        throw ExportError.permanent(`${this.#who}: one record encodes to ${value.byteLength} bytes, over producer.max_message_bytes (${max})`);
      }
      out.push({ topic, key, value: asBuffer(value) });
    }
  }

  async shutdown(): Promise<void> {
    await this.#producer?.close().catch((err: unknown) => {
      this.#settings.logger.warn({ exporter: this.#settings.id.text, err }, 'kafka producer did not close cleanly');
    });
    this.#producer = undefined;
  }
}

export function createKafkaExporter(settings: CreateSettings, config: KafkaExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new KafkaSender(settings, config, signal));
}

import type { Logger } from 'pino';
import { Batch } from '../../pdata/batch.ts';
import { TooManyItemsError } from '../../pdata/errors.ts';
import type { KeyValue, Signal } from '../../pdata/types.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import type { ReceiverMetrics, SelfMetrics } from '../../telemetry/metrics.ts';
import { decodeMessage, type KafkaEncoding } from '../../kafka/encoding.ts';
import { describeKafkaError, isRetryableKafkaError } from '../../kafka/errors.ts';
import type { KafkaReceiverConfig } from './config.ts';
import type { DeadLetterWriter } from './dead-letter.ts';
import { addResourceAttributes } from './headers.ts';
import type { KafkaMessage, PartitionQueue } from './partition-queue.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

/** What the receiver knows about one subscribed topic. */
export interface Route {
  topic: string;
  signal: Signal;
  encoding: KafkaEncoding;
  consumer: Consumer;
  /** Where undecodable messages go; undefined = nowhere (counted only). */
  deadLetterTopic: string | undefined;
  /** Queues by partition number. */
  queues: Array<PartitionQueue | undefined>;
  /** Partitions the group gave this member; undefined until the first assignment. */
  owned: Set<number> | undefined;
}

const EMPTY = Buffer.alloc(0);

/**
 * Hands one message to the pipeline: decode, push, and on a retryable refusal wait and push
 * the same message again, for as long as it takes (never skip ahead). A message that cannot
 * be decoded goes to the dead-letter topic. Resolves true when the offset may move past the
 * message, false when the receiver is stopping or lost the partition first.
 */
export class MessageHandler {
  readonly #id: string;
  readonly #logger: Logger;
  readonly #self: SelfMetrics;
  readonly #metrics: ReceiverMetrics;
  readonly #dlq: DeadLetterWriter;
  readonly #maxBytes: number;
  readonly #maxItems: number;
  readonly #backoff: KafkaReceiverConfig['error_backoff'];
  readonly #headers: Array<{ name: string; attr: string }>;
  readonly #stop: AbortSignal;

  constructor(opts: { id: string; logger: Logger; metrics: SelfMetrics; config: KafkaReceiverConfig; dlq: DeadLetterWriter; stop: AbortSignal }) {
    this.#id = opts.id;
    this.#logger = opts.logger;
    this.#self = opts.metrics;
    this.#metrics = opts.metrics.receiver(opts.id, 'kafka');
    this.#dlq = opts.dlq;
    this.#maxBytes = opts.config.max_message_bytes;
    this.#maxItems = opts.config.max_items_per_message;
    this.#backoff = opts.config.error_backoff;
    const h = opts.config.header_extraction;
    this.#headers = h.extract_headers ? h.headers.map((name) => ({ name, attr: `kafka.header.${name}` })) : [];
    this.#stop = opts.stop;
  }

  async handle(route: Route, q: PartitionQueue, m: KafkaMessage): Promise<boolean> {
    const value = m.value ?? EMPTY;
    if (value.length > this.#maxBytes) {
      return this.#deadLetter(route, q, m, `message of ${value.length} bytes is over max_message_bytes (${this.#maxBytes})`);
    }
    let batch: Batch;
    try {
      batch = this.#batch(route, m, value);
    } catch (err) {
      const what = err instanceof TooManyItemsError ? 'too many items for' : 'cannot decode as';
      return this.#deadLetter(route, q, m, `${what} ${route.encoding} ${route.signal}: ${(err as Error).message}`);
    }
    const signal = route.signal;
    const items = batch.items;
    if (items === 0) return true;
    for (let attempt = 0; ; attempt++) {
      try {
        await route.consumer.consume(batch);
        this.#metrics.accepted(signal, items);
        return true;
      } catch (e) {
        const err = ConsumerError.from(e);
        if (!err.retryable) {
          // Refused for good downstream: retrying cannot help. A drop is counted where it
          // happened; a request too large (the batch processor's max_pending_items) is only
          // refused there, so it is counted here.
          if (err.reason === Reason.request_too_large) this.#metrics.rejected(signal, err.reason, items);
          else this.#metrics.refused(signal, items);
          this.#logger.warn(
            { receiver: this.#id, topic: m.topic, partition: m.partition, offset: String(m.offset), reason: err.reason },
            `receiver ${this.#id}: ${items} ${signal} items refused for good downstream (${err.reason}): ${err.message}`,
          );
          return true;
        }
        this.#metrics.refused(signal, items);
        if (attempt === 0) {
          this.#logger.debug({ receiver: this.#id, topic: m.topic, partition: m.partition, reason: err.reason }, 'downstream refused; pausing the partition and retrying');
        }
        if (!(await this.#wait(attempt)) || q.revoked) return false;
        // A fresh batch for each attempt: a processor may have changed the one it was given.
        batch = route.encoding === 'otlp_proto' && this.#headers.length === 0 ? Batch.fromProto(signal, value, items) : this.#batch(route, m, value);
      }
    }
  }

  #batch(route: Route, m: KafkaMessage, value: Buffer): Batch {
    const batch = decodeMessage(route.signal, route.encoding, value, this.#maxItems);
    if (this.#headers.length > 0 && batch.items > 0) this.#addHeaders(batch, m);
    return batch;
  }

  /** header_extraction: the listed headers as resource attributes of every resource. */
  #addHeaders(batch: Batch, m: KafkaMessage): void {
    const attrs: KeyValue[] = [];
    for (const { name, attr } of this.#headers) {
      for (const [k, v] of m.headers) {
        if (k.toString() === name) {
          attrs.push({ key: attr, value: { stringValue: v.toString() } });
          break;
        }
      }
    }
    addResourceAttributes(batch, attrs);
  }

  /** Writes the message to the dead-letter topic and counts it; true once the offset may move on. */
  async #deadLetter(route: Route, q: PartitionQueue, m: KafkaMessage, error: string): Promise<boolean> {
    const where = { receiver: this.#id, topic: m.topic, partition: m.partition, offset: String(m.offset) };
    this.#metrics.refused(route.signal, 1);
    const topic = route.deadLetterTopic;
    if (topic === undefined) {
      this.#self.dropped(`receiver/${this.#id}`, route.signal, Reason.undecodable, 1);
      this.#logger.warn(where, `receiver ${this.#id}: dropped message ${m.topic}/${m.partition}@${m.offset}: ${error} (no dead_letter_topic)`);
      return true;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#dlq.write(topic, m, error);
        this.#self.dropped(`receiver/${this.#id}`, route.signal, Reason.dead_letter, 1);
        this.#logger.warn({ ...where, dead_letter_topic: topic }, `receiver ${this.#id}: message ${m.topic}/${m.partition}@${m.offset} sent to ${topic}: ${error}`);
        return true;
      } catch (err) {
        if (!isRetryableKafkaError(err)) {
          this.#self.dropped(`receiver/${this.#id}`, route.signal, Reason.dead_letter_failed, 1);
          this.#logger.error(
            { ...where, dead_letter_topic: topic },
            `receiver ${this.#id}: dropped message ${m.topic}/${m.partition}@${m.offset} (${error}); writing it to ${topic} failed: ${describeKafkaError(err)}`,
          );
          return true;
        }
        if (!(await this.#wait(attempt)) || q.revoked) return false;
      }
    }
  }

  /** Backoff with jitter; false when the receiver stops meanwhile. */
  #wait(attempt: number): Promise<boolean> {
    const b = this.#backoff;
    const base = Math.min(b.max_interval, b.initial_interval * b.multiplier ** attempt);
    const ms = base * (1 - b.randomization_factor + 2 * b.randomization_factor * Math.random());
    const stop = this.#stop;
    if (stop.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        resolve(!stop.aborted);
      };
      const timer = setTimeout(done, ms);
      stop.addEventListener('abort', done, { once: true });
    });
  }
}

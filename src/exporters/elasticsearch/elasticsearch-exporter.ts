import { Batch } from '../../pdata/batch.ts';
import { isDecodeFailure } from '../../pdata/errors.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health, Host } from '../../pipeline/component.ts';
import { ConsumerError } from '../../pipeline/consumer.ts';
import { createQueuedExporter } from '../helper/queued-exporter.ts';
import type { ElasticsearchExporterConfig } from './config.ts';
import { BulkJob } from './documents.ts';
import { ElasticsearchSender } from './elasticsearch-sender.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const EMPTY = { logs: { resourceLogs: [] }, traces: { resourceSpans: [] } } as const;

/**
 * The elasticsearch exporter: batches are encoded to documents as they arrive and gathered
 * into one pending bulk request, which goes to the exporter helper's queue when it reaches
 * `flush.bytes` or `flush.documents`, or when `flush.interval` passes. The queue entry is a
 * stand-in batch that counts the documents; the sender finds the documents by it.
 *
 * Bounds: the pending request holds at most about one flush (when the queue refuses it, the
 * next batch that would overflow it is refused with a retryable `queue_full`); the queue
 * holds `sending_queue.queue_size` requests.
 */
class ElasticsearchExporter implements Exporter {
  readonly mutates = false;
  readonly #settings: CreateSettings;
  readonly #signal: 'logs' | 'traces';
  readonly #config: ElasticsearchExporterConfig;
  readonly #sender: ElasticsearchSender;
  readonly #queued: Exporter;
  readonly #gather: boolean;
  #pending = new BulkJob();
  #timer: NodeJS.Timeout | undefined;

  constructor(settings: CreateSettings, config: ElasticsearchExporterConfig, signal: 'logs' | 'traces') {
    this.#settings = settings;
    this.#signal = signal;
    this.#config = config;
    this.#sender = new ElasticsearchSender(settings, config, signal);
    this.#queued = createQueuedExporter(settings, signal, config, this.#sender);
    // Without the queue the caller waits for its own batch's result: nothing to gather.
    // With storage, each batch goes to the log as it comes (the caller is answered once it
    // is on disk), and the persistent queue merges consecutive batches on the way out.
    this.#gather = config.sending_queue.enabled && config.flush.interval > 0 && config.sending_queue.storage === undefined;
  }

  get durable(): boolean {
    return this.#config.sending_queue.enabled && this.#config.sending_queue.storage !== undefined;
  }

  async start(host: Host): Promise<void> {
    await this.#queued.start(host);
    if (this.#gather) {
      this.#timer = setInterval(
        () =>
          void this.#flush().catch(() => {
            /* stays pending; retried next tick */
          }),
        this.#config.flush.interval,
      );
      this.#timer.unref();
    }
  }

  async consume(batch: Batch): Promise<void> {
    if (!this.#config.sending_queue.enabled || this.durable) return this.#queued.consume(batch);
    let job: BulkJob;
    try {
      job = this.#sender.encode(batch, new BulkJob());
    } catch (err) {
      // A merged batch that cannot be decoded: its requests are encoded one by one and only
      // the bad ones are dropped (and dead-lettered).
      if (batch.sourceCount > 1 && isDecodeFailure(err)) job = await this.#encodeEach(batch);
      else {
        await this.#encodeFailed(batch, err);
        throw ConsumerError.permanent(Reason.encode_error, `exporter ${this.#settings.id.text}: cannot encode documents: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (job.size === 0) return;
    if (!this.#gather) return this.#enqueue(job);
    const { bytes, documents } = this.#config.flush;
    const pending = this.#pending;
    if (pending.size > 0 && (pending.bytes + job.bytes > bytes || pending.size + job.size > documents)) {
      await this.#flush(); // refused (queue full): this batch is refused too, and nothing grows
    }
    this.#pending.absorb(job);
    if (this.#pending.bytes >= bytes || this.#pending.size >= documents) {
      // Accepted either way: if the queue is full the documents wait here for the next try.
      await this.#flush().catch(() => {});
    }
  }

  health(): Health {
    return this.#queued.health?.() ?? { healthy: true };
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const left = this.#pending.size;
    await this.#flush().catch((err: ConsumerError) => {
      this.#settings.metrics.dropped(`exporter/${this.#settings.id.text}`, this.#signal, err.reason, left);
      this.#settings.logger.warn(
        { exporter: this.#settings.id.text, signal: this.#signal, reason: err.reason, items: left },
        `exporter ${this.#settings.id.text} dropped ${left} ${this.#signal} documents at shutdown: ${err.message}`,
      );
    });
    await this.#queued.shutdown();
  }

  async #encodeEach(batch: Batch): Promise<BulkJob> {
    const job = new BulkJob();
    for (const part of batch.sources()) {
      try {
        this.#sender.encode(part, job);
      } catch (err) {
        await this.#encodeFailed(part, err);
      }
    }
    return job;
  }

  /** Counts (and, for a request that cannot be decoded, dead-letters) a batch that cannot be encoded. */
  async #encodeFailed(batch: Batch, err: unknown): Promise<void> {
    const id = this.#settings.id.text;
    const malformed = isDecodeFailure(err);
    const reason = malformed ? Reason.malformed : Reason.encode_error;
    const message = err instanceof Error ? err.message : String(err);
    this.#settings.metrics.dropped(`exporter/${id}`, this.#signal, reason, batch.items);
    this.#settings.logger.warn(
      { exporter: id, signal: this.#signal, reason, items: batch.items, error: message },
      `exporter ${id} dropped ${batch.items} ${this.#signal} items (${reason}): ${message}`,
    );
    if (!malformed) return;
    await this.#sender.deadLetter(batch, this.#signal, message).catch((e: unknown) => {
      this.#settings.logger.error({ exporter: id, err: e instanceof Error ? e.message : String(e) }, `exporter ${id}: could not dead-letter a malformed request`);
    });
  }

  /** Moves the pending documents to the queue; on refusal they stay pending and it throws. */
  async #flush(): Promise<void> {
    const job = this.#pending;
    if (job.size === 0) return;
    this.#pending = new BulkJob();
    try {
      await this.#enqueue(job);
    } catch (err) {
      // Put them back in front of whatever arrived meanwhile.
      job.absorb(this.#pending);
      this.#pending = job;
      throw err;
    }
  }

  #enqueue(job: BulkJob): Promise<void> {
    const token = Batch.of(this.#signal as Signal, EMPTY[this.#signal] as never, job.size);
    this.#sender.attach(token, job);
    return this.#queued.consume(token);
  }
}

export function createElasticsearchExporter(settings: CreateSettings, config: ElasticsearchExporterConfig, signal: Signal): Exporter {
  if (signal === 'metrics') throw new Error(`exporter ${settings.id.text}: elasticsearch exports logs and traces, not metrics`);
  return new ElasticsearchExporter(settings, config, signal);
}

import { setMaxListeners } from 'node:events';
import type { Batch } from '../../pdata/batch.ts';
import { isDecodeFailure } from '../../pdata/errors.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health, Host } from '../../pipeline/component.ts';
import { ConsumerError } from '../../pipeline/consumer.ts';
import type { ExporterMetrics } from '../../telemetry/metrics.ts';
import type { HelperConfig } from './config.ts';
import { ExportError, toExportError } from '../../net/export-error.ts';
import { retry, type GiveUp } from '../../net/retry.ts';
import { RingQueue } from './ring-queue.ts';

/** What a concrete exporter provides: how to send one batch once. The helper does the rest. */
export interface Sender {
  start?(host: Host): Promise<void>;
  /**
   * Sends one batch. Throws an ExportError (retryable or not); any other error is classified
   * by `toExportError`. `deadline` aborts when the attempt's `timeout` passes or shutdown's
   * deadline does: stop and throw then.
   */
  send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void>;
  /**
   * Keeps a request that could not be decoded or encoded (dropped as `malformed`) where the
   * exporter's dead-letter option says; only exporters that have one implement it.
   */
  deadLetter?(batch: Batch, signal: Signal, error: string): Promise<void>;
  shutdown?(): Promise<void>;
  health?(): Health;
}

/** Why a batch was not delivered: retry's reasons, and `malformed` for data that cannot be encoded. */
type Failure = { reason: GiveUp<ExportError>['reason'] | 'malformed'; error: ExportError };

const RESOLVED = Promise.resolve();
// How long shutdown waits, after its deadline aborted every send, for senders to notice.
const ABORT_GRACE_MS = 1000;
// Hint to callers refused because the queue is full or the exporter is stopping.
const REFUSAL_RETRY_AFTER_MS = 1000;

/**
 * Wraps a Sender with the exporter helper: a bounded queue drained by `num_consumers`
 * workers, retries with exponential backoff and jitter, a timeout per attempt, and a
 * draining shutdown. Every batch that is not delivered is counted with a reason.
 */
export function createQueuedExporter(settings: CreateSettings, signal: Signal, config: HelperConfig, sender: Sender): Exporter {
  return new QueuedExporter(settings, signal, config, sender);
}

class QueuedExporter implements Exporter {
  readonly mutates = false;
  readonly #settings: CreateSettings;
  readonly #signal: Signal;
  readonly #config: HelperConfig;
  readonly #sender: Sender;
  readonly #metrics: ExporterMetrics;
  readonly #component: string;
  readonly #queue: RingQueue<Batch> | undefined;
  /** `sizer: items`: queue_size bounds the items queued; undefined when it counts batches. */
  readonly #maxQueuedItems: number | undefined;
  #queuedItems = 0;
  readonly #maxWorkers: number;
  // Refusals are made once: under overload we refuse many times a second, and an Error
  // captures a stack trace each time it is built.
  readonly #queueFull: ConsumerError;
  readonly #stoppingError: ConsumerError;
  /** Aborted when shutdown's deadline passes: cuts backoff waits and in-flight attempts short. */
  readonly #kill = new AbortController();
  #running = 0;
  #stopping = false;
  #shutdownDone: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;
  #lastError: string | undefined;
  #shutdownDropped = { batches: 0, items: 0 };

  constructor(settings: CreateSettings, signal: Signal, config: HelperConfig, sender: Sender) {
    this.#settings = settings;
    this.#signal = signal;
    this.#config = config;
    this.#sender = sender;
    const id = settings.id.text;
    this.#component = `exporter/${id}`;
    this.#metrics = settings.metrics.exporter(id, signal);
    const q = config.sending_queue;
    const byItems = q.sizer === 'items';
    // With sizer items every batch holds at least one item (empty ones are not queued), so
    // queue_size also bounds the number of batches.
    this.#queue = q.enabled ? new RingQueue<Batch>(q.queue_size) : undefined;
    this.#maxQueuedItems = byItems ? q.queue_size : undefined;
    this.#maxWorkers = q.num_consumers;
    this.#metrics.queue(0, q.enabled ? q.queue_size : 0);
    this.#queueFull = ConsumerError.retryable(
      'queue_full',
      `exporter ${id} (${signal}): sending queue is full (${q.queue_size} ${byItems ? `${signal} items` : 'batches'}); retry later, ` +
        'or raise sending_queue.queue_size / num_consumers if the destination keeps up',
      REFUSAL_RETRY_AFTER_MS,
    );
    // Every attempt and every backoff wait listens on #kill; there are as many as sends in
    // flight, which is not a leak.
    setMaxListeners(0, this.#kill.signal);
    this.#stoppingError = ConsumerError.retryable('shutting_down', `exporter ${id} is shutting down; retry later`, REFUSAL_RETRY_AFTER_MS);
  }

  async start(host: Host): Promise<void> {
    await this.#sender.start?.(host);
  }

  consume(batch: Batch): Promise<void> {
    if (this.#stopping) return Promise.reject(this.#stoppingError);
    const queue = this.#queue;
    if (queue === undefined) return this.#sendInline(batch);
    const max = this.#maxQueuedItems;
    if (max !== undefined) {
      const items = batch.items;
      if (items === 0) return RESOLVED;
      // A batch bigger than the whole queue is taken when the queue is empty, or it could
      // never pass.
      // (The ring holds queue_size batches, and every queued batch holds an item or more.)
      if ((this.#queuedItems > 0 && this.#queuedItems + items > max) || !queue.push(batch)) {
        this.#metrics.enqueueFailed(items);
        return Promise.reject(this.#queueFull);
      }
      this.#queuedItems += items;
    } else if (!queue.push(batch)) {
      this.#metrics.enqueueFailed(batch.items);
      return Promise.reject(this.#queueFull);
    }
    this.#reportQueue(queue);
    if (this.#running < this.#maxWorkers) {
      this.#running++;
      void this.#work(queue);
    }
    return RESOLVED;
  }

  health(): Health {
    if (this.#lastError !== undefined) return { healthy: false, message: this.#lastError };
    return this.#sender.health?.() ?? { healthy: true };
  }

  shutdown(): Promise<void> {
    this.#shutdownDone ??= this.#drainAndStop();
    return this.#shutdownDone;
  }

  // ---- sending ----

  /** One worker: sends queued batches until the queue is empty or shutdown's deadline passed. */
  async #work(queue: RingQueue<Batch>): Promise<void> {
    try {
      let batch: Batch | undefined;
      while (!this.#kill.signal.aborted && (batch = this.#shift(queue)) !== undefined) {
        const failure = await this.#sendWithRetry(batch);
        if (failure !== undefined) await this.#failed(batch, failure);
      }
    } catch (err) {
      // Only a bug gets here (sendWithRetry catches the sender's errors); keep the daemon up.
      this.#settings.logger.error({ exporter: this.#settings.id.text, err }, 'exporter worker failed');
    } finally {
      this.#workerDone();
    }
  }

  /** Takes the head batch, keeping the item count and the queue gauges up to date. */
  #shift(queue: RingQueue<Batch>): Batch | undefined {
    const batch = queue.shift();
    if (batch !== undefined && this.#maxQueuedItems !== undefined) this.#queuedItems -= batch.items;
    this.#reportQueue(queue);
    return batch;
  }

  /** otelcol_exporter_queue_size / _capacity, in the sizer's unit. */
  #reportQueue(queue: RingQueue<Batch>): void {
    const max = this.#maxQueuedItems;
    if (max === undefined) this.#metrics.queue(queue.size, queue.capacity);
    else this.#metrics.queue(this.#queuedItems, max);
  }

  /** With the queue disabled: send now, and tell the caller what happened. */
  async #sendInline(batch: Batch): Promise<void> {
    this.#running++;
    try {
      const failure = await this.#sendWithRetry(batch);
      if (failure === undefined) return;
      // A merged batch that cannot be decoded: its requests are sent one by one and only the
      // bad ones are dropped (counted, dead-lettered); the good ones count as delivered.
      if (failure.reason === 'malformed' && batch.sourceCount > 1) return await this.#failed(batch, failure);
      const { reason, error } = failure;
      if (error.retryable) {
        // The caller still holds the data and is told to retry: nothing is dropped here.
        this.#metrics.sendFailed(batch.items);
        throw new ConsumerError(`exporter ${this.#settings.id.text}: ${error.message}`, {
          retryable: true, reason, retryAfterMs: error.retryAfterMs, cause: error,
        });
      }
      this.#drop(batch, failure);
      throw ConsumerError.permanent(reason, `exporter ${this.#settings.id.text}: ${error.message}`);
    } finally {
      this.#workerDone();
    }
  }

  /** Sends with retries; undefined when delivered, else why it was not. */
  async #sendWithRetry(batch: Batch): Promise<Failure | undefined> {
    const failure = await retry(() => this.#attempt(batch), this.#config.retry_on_failure, this.#kill.signal);
    // The data, not the destination, failed: counted apart, and a merged batch is split (#failed).
    if (failure?.reason === 'permanent_error' && isDecodeFailure(failure.error)) return { reason: 'malformed', error: failure.error };
    return failure;
  }

  /** One send attempt under the timeout; undefined on success, else the classified error. */
  async #attempt(batch: Batch): Promise<ExportError | undefined> {
    const timeoutMs = this.#config.timeout;
    const kill = this.#kill.signal;
    const ac = new AbortController();
    const onKill = () => ac.abort(kill.reason);
    kill.addEventListener('abort', onKill, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => ac.abort(new ExportError(`timed out after ${timeoutMs}ms`, { retryable: true })), timeoutMs) : undefined;
    try {
      await this.#sender.send(batch, this.#signal, ac.signal);
      this.#lastError = undefined;
      this.#metrics.sent(batch.items);
      return undefined;
    } catch (err) {
      // A sender that rejects with a generic AbortError after our abort: say which limit hit.
      const error = ac.signal.aborted && ac.signal.reason instanceof ExportError && !(err instanceof ExportError)
        ? ac.signal.reason
        : toExportError(err);
      this.#lastError = error.message;
      return error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      kill.removeEventListener('abort', onKill);
    }
  }

  /**
   * A batch that will not be delivered. When the batch processor merged it from several
   * requests and it could not be decoded or encoded, each request is sent on its own instead,
   * so that only the bad one is dropped: one client's bad request never costs another's data.
   */
  async #failed(batch: Batch, failure: Failure): Promise<void> {
    if (failure.reason !== 'malformed' || batch.sourceCount === 1) {
      this.#drop(batch, failure);
      if (failure.reason === 'malformed') await this.#deadLetter(batch, failure.error);
      return;
    }
    this.#settings.logger.warn(
      { exporter: this.#settings.id.text, signal: this.#signal, requests: batch.sourceCount, error: failure.error.message },
      `exporter ${this.#settings.id.text}: a batch of ${batch.sourceCount} requests could not be encoded (${failure.error.message}); sending them one by one`,
    );
    for (const part of batch.sources()) {
      const f = await this.#sendWithRetry(part);
      if (f === undefined) continue;
      this.#drop(part, f);
      if (f.reason === 'malformed') await this.#deadLetter(part, f.error);
    }
  }

  async #deadLetter(batch: Batch, error: ExportError): Promise<void> {
    const deadLetter = this.#sender.deadLetter;
    if (deadLetter === undefined) return;
    try {
      await deadLetter.call(this.#sender, batch, this.#signal, error.message);
    } catch (err) {
      this.#settings.logger.error(
        { exporter: this.#settings.id.text, signal: this.#signal, err: err instanceof Error ? err.message : String(err) },
        `exporter ${this.#settings.id.text}: could not dead-letter a malformed request: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  #drop(batch: Batch, { reason, error }: Failure): void {
    const items = batch.items;
    this.#metrics.sendFailed(items);
    this.#settings.metrics.dropped(this.#component, this.#signal, reason, items);
    if (reason === 'shutdown_timeout') {
      // Summed and logged once by shutdown, not once per batch.
      this.#shutdownDropped.batches++;
      this.#shutdownDropped.items += items;
      return;
    }
    this.#settings.logger.warn(
      { exporter: this.#settings.id.text, signal: this.#signal, reason, items, error: error.message },
      `exporter ${this.#settings.id.text} dropped ${items} ${this.#signal} items (${reason}): ${error.message}`,
    );
  }

  #workerDone(): void {
    this.#running--;
    if (this.#running === 0 && this.#onIdle !== undefined) this.#onIdle();
  }

  // ---- shutdown ----

  async #drainAndStop(): Promise<void> {
    this.#stopping = true;
    const id = this.#settings.id.text;
    if (this.#running > 0) {
      const idle = new Promise<void>((resolve) => { this.#onIdle = resolve; });
      let grace: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        this.#kill.abort(new ExportError('shutdown deadline passed', { retryable: true }));
        grace = setTimeout(() => this.#onIdle?.(), ABORT_GRACE_MS);
      }, this.#settings.shutdownTimeoutMs);
      await idle;
      clearTimeout(deadline);
      if (grace !== undefined) clearTimeout(grace);
    }
    // Whatever is still queued missed the deadline.
    const queue = this.#queue;
    if (queue !== undefined) {
      let batch: Batch | undefined;
      while ((batch = this.#shift(queue)) !== undefined) {
        this.#drop(batch, { reason: 'shutdown_timeout', error: ExportError.retryable('shutdown deadline passed') });
      }
    }
    const lost = this.#shutdownDropped;
    if (lost.batches > 0) {
      this.#settings.logger.warn(
        { exporter: id, signal: this.#signal, reason: 'shutdown_timeout', items: lost.items, batches: lost.batches },
        `exporter ${id} dropped ${lost.items} ${this.#signal} items in ${lost.batches} batches: not sent within the ` +
          `shutdown timeout (${this.#settings.shutdownTimeoutMs}ms); ${this.#lastError ? `last error: ${this.#lastError}` : 'the destination was slow'}`,
      );
    }
    await this.#sender.shutdown?.();
  }
}

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
import { MemoryQueue, type SendQueue } from './send-queue.ts';
import { openPersistentQueue, PersistentQueue } from './persistent-queue.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

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
type Failure = { reason: GiveUp<ExportError>['reason'] | typeof Reason.malformed; error: ExportError };

const ITEM_NAMES: Record<Signal, string> = { traces: 'spans', metrics: 'metric points', logs: 'log records' };

// How long shutdown waits, after its deadline aborted every send, for senders to notice.
const ABORT_GRACE_MS = 1000;
// Hint to callers refused because the queue is full or the exporter is stopping.
const REFUSAL_RETRY_AFTER_MS = 1000;

/**
 * Wraps a Sender with the exporter helper: a bounded queue (in memory, or on disk with
 * `sending_queue.storage`) drained by `num_consumers` workers, retries with exponential
 * backoff and jitter, a timeout per attempt, and a draining shutdown. Every batch that is
 * not delivered is counted with a reason; with storage, what is not delivered by shutdown
 * stays on disk for the next run instead.
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
  /** Undefined with the queue disabled; with storage, made at start once the log is open. */
  #queue: SendQueue | undefined;
  readonly #inline: boolean;
  readonly #storage: string | undefined;
  readonly #maxWorkers: number;
  // Refusals are made once: under overload we refuse many times a second, and an Error
  // captures a stack trace each time it is built.
  readonly #queueFull: ConsumerError;
  readonly #stoppingError: ConsumerError;
  /** Aborted when shutdown's deadline passes: cuts backoff waits and in-flight attempts short. */
  readonly #kill = new AbortController();
  #running = 0;
  #stopping = false;
  /** Set once shutdown stopped waiting for the workers: no new worker starts. */
  #closing = false;
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
    this.#inline = !q.enabled;
    this.#storage = q.enabled ? q.storage : undefined;
    this.#maxWorkers = q.num_consumers;
    this.#queueFull = ConsumerError.retryable(
      Reason.queue_full,
      `exporter ${id} (${signal}): sending queue is full (${q.queue_size} ${byItems ? `${signal} items` : 'batches'}); retry later, ` +
        'or raise sending_queue.queue_size / num_consumers if the destination keeps up',
      REFUSAL_RETRY_AFTER_MS,
    );
    if (q.enabled && this.#storage === undefined) {
      this.#queue = new MemoryQueue(q.queue_size, byItems, this.#queueFull, this.#onFull);
    }
    this.#metrics.queue(0, q.enabled ? q.queue_size : 0);
    // Every attempt and every backoff wait listens on #kill; there are as many as sends in
    // flight, which is not a leak.
    setMaxListeners(0, this.#kill.signal);
    this.#stoppingError = ConsumerError.retryable(Reason.shutting_down, `exporter ${id} is shutting down; retry later`, REFUSAL_RETRY_AFTER_MS);
  }

  /** True when consume() resolves only once the batch is in a persistent log. */
  get durable(): boolean {
    return this.#storage !== undefined;
  }

  async start(host: Host): Promise<void> {
    const persistent = this.#storage === undefined ? undefined : await this.#openStorage(host);
    try {
      await this.#sender.start?.(host);
    } catch (err) {
      await persistent?.close();
      throw err;
    }
    if (persistent !== undefined) {
      this.#queue = persistent;
      this.#reportQueue(persistent);
      // What earlier runs left is sent first, before anything new.
      this.#spawn(persistent, this.#maxWorkers);
    }
  }

  consume(batch: Batch): Promise<void> {
    if (this.#stopping) return Promise.reject(this.#stoppingError);
    if (this.#inline) return this.#sendInline(batch);
    const queue = this.#queue;
    if (queue === undefined) return Promise.reject(this.#stoppingError); // not started
    return queue.offer(batch).then(() => {
      this.#reportQueue(queue);
      this.#spawn(queue);
    });
  }

  health(): Health {
    const queue = this.#queue;
    const storageError = queue instanceof PersistentQueue ? queue.storageError : undefined;
    if (storageError !== undefined) return { healthy: false, message: `persistent queue refuses data: ${storageError.message}` };
    if (this.#lastError !== undefined) return { healthy: false, message: this.#lastError };
    const sender = this.#sender.health?.();
    if (sender !== undefined && !sender.healthy) return sender;
    if (queue instanceof PersistentQueue && queue.replaying > 0) {
      return { healthy: true, message: `replaying ${queue.replaying} ${ITEM_NAMES[this.#signal]} from the persistent queue` };
    }
    return sender ?? { healthy: true };
  }

  shutdown(): Promise<void> {
    this.#shutdownDone ??= this.#drainAndStop();
    return this.#shutdownDone;
  }

  #openStorage(host: Host): Promise<PersistentQueue> {
    const q = this.#config.sending_queue;
    return openPersistentQueue(host, this.#storage!, {
      settings: this.#settings,
      signal: this.#signal,
      queueSize: q.queue_size,
      byItems: q.sizer === 'items',
      full: this.#queueFull,
      onFull: this.#onFull,
    });
  }

  readonly #onFull = (items: number): void => {
    this.#metrics.enqueueFailed(items);
  };

  /** Starts up to `n` workers while there is queued work and room for one. */
  #spawn(queue: SendQueue, n = 1): void {
    for (let i = 0; i < n && !this.#closing && !queue.empty && this.#running < this.#maxWorkers; i++) {
      this.#running++;
      void this.#work(queue);
    }
  }

  // ---- sending ----

  /** One worker: sends queued batches until the queue is empty or shutdown's deadline passed. */
  async #work(queue: SendQueue): Promise<void> {
    try {
      while (!this.#kill.signal.aborted) {
        const taken = await queue.take();
        this.#reportQueue(queue);
        if (taken === undefined) break;
        const failure = await this.#sendWithRetry(taken.batch);
        if (failure === undefined) taken.done();
        else if (failure.reason === Reason.shutdown_timeout && queue instanceof PersistentQueue) {
          // Not delivered by the deadline: it stays in the log and is sent after the restart.
          break;
        } else {
          await this.#failed(taken.batch, failure);
          taken.done();
        }
      }
    } catch (err) {
      // Only a bug gets here (sendWithRetry catches the sender's errors); keep the daemon up.
      this.#settings.logger.error({ exporter: this.#settings.id.text, err }, 'exporter worker failed');
    } finally {
      this.#workerDone();
    }
  }

  /** otelcol_exporter_queue_size / _capacity, in the sizer's unit. */
  #reportQueue(queue: SendQueue): void {
    this.#metrics.queue(queue.size, queue.capacity);
  }

  /** With the queue disabled: send now, and tell the caller what happened. */
  async #sendInline(batch: Batch): Promise<void> {
    this.#running++;
    try {
      const failure = await this.#sendWithRetry(batch);
      if (failure === undefined) return;
      // A merged batch that cannot be decoded: its requests are sent one by one and only the
      // bad ones are dropped (counted, dead-lettered); the good ones count as delivered.
      if (failure.reason === Reason.malformed && batch.sourceCount > 1) return await this.#failed(batch, failure);
      const { reason, error } = failure;
      if (error.retryable) {
        // The caller still holds the data and is told to retry: nothing is dropped here.
        this.#metrics.sendFailed(batch.items);
        throw new ConsumerError(`exporter ${this.#settings.id.text}: ${error.message}`, {
          retryable: true,
          reason,
          retryAfterMs: error.retryAfterMs,
          cause: error,
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
    if (failure?.reason === Reason.permanent_error && isDecodeFailure(failure.error)) return { reason: Reason.malformed, error: failure.error };
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
      const error = ac.signal.aborted && ac.signal.reason instanceof ExportError && !(err instanceof ExportError) ? ac.signal.reason : toExportError(err);
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
    if (failure.reason !== Reason.malformed || batch.sourceCount === 1) {
      this.#drop(batch, failure);
      if (failure.reason === Reason.malformed) await this.#deadLetter(batch, failure.error);
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
      if (f.reason === Reason.malformed) await this.#deadLetter(part, f.error);
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
    if (reason === Reason.shutdown_timeout) {
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
      const idle = new Promise<void>((resolve) => {
        this.#onIdle = resolve;
      });
      let grace: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        this.#kill.abort(new ExportError('shutdown deadline passed', { retryable: true }));
        grace = setTimeout(() => this.#onIdle?.(), ABORT_GRACE_MS);
      }, this.#settings.shutdownTimeoutMs);
      await idle;
      clearTimeout(deadline);
      if (grace !== undefined) clearTimeout(grace);
    }
    this.#closing = true;
    // Whatever is still queued missed the deadline: dropped from memory, kept on disk.
    const queue = this.#queue;
    if (queue !== undefined) {
      const left = queue.drainLeft();
      this.#reportQueue(queue);
      if (left.batches > 0 && left.kept) {
        this.#settings.logger.warn(
          { exporter: id, signal: this.#signal, items: left.items, batches: left.batches },
          `exporter ${id}: ${left.items} ${this.#signal} items not sent within the shutdown timeout ` +
            `(${this.#settings.shutdownTimeoutMs}ms) stay in the persistent queue and are sent after the restart`,
        );
      } else if (left.batches > 0) {
        this.#metrics.sendFailed(left.items);
        this.#settings.metrics.dropped(this.#component, this.#signal, Reason.shutdown_timeout, left.items);
        this.#shutdownDropped.batches += left.batches;
        this.#shutdownDropped.items += left.items;
      }
      if (queue instanceof PersistentQueue) await queue.close();
    }
    const lost = this.#shutdownDropped;
    if (lost.batches > 0) {
      this.#settings.logger.warn(
        { exporter: id, signal: this.#signal, reason: Reason.shutdown_timeout, items: lost.items, batches: lost.batches },
        `exporter ${id} dropped ${lost.items} ${this.#signal} items in ${lost.batches} batches: not sent within the ` +
          `shutdown timeout (${this.#settings.shutdownTimeoutMs}ms); ${this.#lastError ? `last error: ${this.#lastError}` : 'the destination was slow'}`,
      );
    }
    await this.#sender.shutdown?.();
  }
}

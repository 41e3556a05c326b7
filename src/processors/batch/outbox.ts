// The outgoing side of the batch processor with `wait_for_export: false`: batches whose
// senders were already answered. Nobody upstream will retry them, so a retryable refusal
// is retried here (the head batch, with backoff, in order) and only a permanent refusal or
// the shutdown deadline drops items, each drop counted and logged.
import { retry } from '../../net/retry.ts';
import type { Batch } from '../../pdata/batch.ts';
import { isDecodeFailure } from '../../pdata/errors.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings } from '../../pipeline/component.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

/**
 * Backoff between attempts at a refused batch: 100 ms doubling up to 5 s, ±20 % jitter, no
 * overall limit (the items stay counted in max_pending_items, so a long outage turns into
 * `batch_full` refusals upstream, not into drops). A longer `retryAfterMs` wins.
 */
export const RETRY_BACKOFF = {
  enabled: true,
  initial_interval: 100,
  multiplier: 2,
  max_interval: 5000,
  randomization_factor: 0.2,
  max_elapsed_time: 0,
} as const;

interface Entry {
  batch: Batch;
  items: number;
}

export class Outbox {
  readonly #settings: CreateSettings;
  readonly #component: string;
  readonly #signal: Signal;
  readonly #next: Consumer;
  /** FIFO of outgoing batches; its size is bounded by the processor's max_pending_items check. */
  #queue: Entry[] = [];
  #items = 0;
  #active = false;
  #done: Promise<void> = Promise.resolve();
  #attempt = 0;
  #waitMs = 0;
  #closed = false;
  /** Aborted when shutdown's deadline passes: cuts a backoff wait short and stops retrying. */
  readonly #kill = new AbortController();

  constructor(settings: CreateSettings, signal: Signal, next: Consumer) {
    this.#settings = settings;
    this.#component = `processor/${settings.id.text}`;
    this.#signal = signal;
    this.#next = next;
  }

  /** Items queued or being handed on. */
  get items(): number {
    return this.#items;
  }

  /** The current backoff wait while the head batch is being retried, else 0. */
  get retryWaitMs(): number {
    return this.#waitMs;
  }

  /** True once shutdown's drain finished or its deadline passed: nothing more is taken. */
  get closed(): boolean {
    return this.#closed;
  }

  push(batch: Batch, items: number): void {
    this.#queue.push({ batch, items });
    this.#items += items;
    if (!this.#active) {
      this.#active = true;
      this.#done = this.#run();
    }
  }

  /**
   * Hands on everything queued, also what is pushed meanwhile, retrying refusals until
   * `timeoutMs` passes; then drops and counts what is left (`shutdown_timeout`).
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = setTimeout(() => {
      this.#closed = true;
      this.#kill.abort();
    }, timeoutMs);
    try {
      while (this.#active) await this.#done;
    } finally {
      clearTimeout(deadline);
      this.#closed = true;
    }
    if (this.#queue.length === 0) return;
    const batches = this.#queue.length;
    const items = this.#items;
    this.#queue = [];
    this.#items = 0;
    this.#settings.metrics.dropped(this.#component, this.#signal, Reason.shutdown_timeout, items);
    const id = this.#settings.id.text;
    this.#settings.logger.warn(
      { processor: id, signal: this.#signal, reason: Reason.shutdown_timeout, items, batches },
      `processor ${id} dropped ${items} ${this.#signal} items in ${batches} batches: the next consumer did not take them ` + `within the shutdown timeout (${this.#settings.shutdownTimeoutMs}ms)`,
    );
  }

  /** Sends the head batch until the queue is empty; returns early only at shutdown's deadline. */
  async #run(): Promise<void> {
    const queue = this.#queue;
    try {
      while (queue.length > 0) {
        const entry = queue[0];
        const failed = await retry(() => this.#handOn(entry.batch), RETRY_BACKOFF, this.#kill.signal, this.#onWait);
        if (failed?.reason === Reason.shutdown_timeout) return; // drain drops what is left
        if (failed !== undefined && entry.batch.sourceCount > 1 && isDecodeFailure(failed.error)) {
          // A merged batch the next consumer could not decode: its requests go on one by one,
          // so that only the bad one is dropped.
          this.#splitting(entry.batch, failed.error);
          queue.splice(0, 1, ...entry.batch.sources().map((batch) => ({ batch, items: batch.items })));
          continue;
        }
        if (this.#attempt > 0) this.#recovered(failed === undefined);
        queue.shift();
        this.#items -= entry.items;
        if (failed !== undefined) this.#dropPermanent(entry.items, failed.error);
      }
    } catch (err) {
      // Only a bug gets here (consume's errors are caught by #handOn); keep the daemon up.
      this.#settings.logger.error({ processor: this.#settings.id.text, err }, 'batch processor sender failed');
    } finally {
      this.#active = false;
    }
  }

  /** One hand-on of a batch: undefined when the next consumer took it, else its refusal. */
  async #handOn(batch: Batch): Promise<ConsumerError | undefined> {
    try {
      await this.#next.consume(batch);
      return undefined;
    } catch (e) {
      return ConsumerError.from(e);
    }
  }

  /** Before each backoff wait on the head batch. */
  readonly #onWait = (err: ConsumerError, wait: number): void => {
    if (this.#attempt === 0) this.#refused(err, wait);
    this.#attempt++;
    this.#waitMs = wait;
  };

  // One log line per outage, not one per attempt.
  #refused(err: ConsumerError, wait: number): void {
    const id = this.#settings.id.text;
    this.#settings.logger.warn(
      { processor: id, signal: this.#signal, reason: err.reason, items: this.#items, error: err.message },
      `processor ${id}: the next consumer refused a batch (${err.reason}: ${err.message}); holding ${this.#items} ` + `${this.#signal} items and retrying in ${Math.round(wait)}ms`,
    );
  }

  #recovered(accepted: boolean): void {
    if (accepted) {
      this.#settings.logger.info(
        { processor: this.#settings.id.text, signal: this.#signal, attempts: this.#attempt },
        `processor ${this.#settings.id.text}: the next consumer takes batches again after ${this.#attempt} retries`,
      );
    }
    this.#attempt = 0;
    this.#waitMs = 0;
  }

  #splitting(batch: Batch, err: ConsumerError): void {
    const id = this.#settings.id.text;
    this.#settings.logger.warn(
      { processor: id, signal: this.#signal, requests: batch.sourceCount, error: err.message },
      `processor ${id}: the next consumer could not decode a batch of ${batch.sourceCount} requests (${err.message}); handing them on one by one`,
    );
  }

  #dropPermanent(batchItems: number, err: ConsumerError): void {
    // A partial refusal names how many items were rejected; the rest were accepted.
    const items = err.rejected === undefined ? batchItems : Math.min(batchItems, err.rejected);
    const reason = isDecodeFailure(err) ? Reason.malformed : Reason.permanent_error;
    this.#settings.metrics.dropped(this.#component, this.#signal, reason, items);
    const id = this.#settings.id.text;
    this.#settings.logger.warn(
      { processor: id, signal: this.#signal, reason, items, error: err.message },
      `processor ${id} dropped ${items} ${this.#signal} items: the next consumer refused them for good (${err.reason}: ${err.message})`,
    );
  }
}

// The queue between an exporter's callers and its workers. In memory by default; on disk
// (persistent-queue.ts) with `sending_queue.storage`. Both bound what they hold by
// `queue_size` in the sizer's unit and refuse beyond it with a retryable `queue_full`.
import type { Batch } from '../../pdata/batch.ts';
import type { ConsumerError } from '../../pipeline/consumer.ts';
import { RingQueue } from './ring-queue.ts';

/** A batch handed to a worker. */
export interface Taken {
  readonly batch: Batch;
  readonly items: number;
  /** Delivered, or given up for good: it is never sent again. */
  done(): void;
}

export interface SendQueue {
  /** What is queued and the bound, in the sizer's unit (otelcol_exporter_queue_size / _capacity). */
  readonly size: number;
  readonly capacity: number;
  /** True when `take` has nothing to give. */
  readonly empty: boolean;
  /** Takes a batch; resolves once it is queued (and, persistent, in the log). Rejects with a ConsumerError. */
  offer(batch: Batch): Promise<void>;
  /** The next batch to send (undefined when empty). */
  take(): Promise<Taken | undefined>;
  /** Items still queued when the exporter stops; the memory queue gives them up. */
  drainLeft(): { batches: number; items: number; kept: boolean };
}

const RESOLVED = Promise.resolve();
const NOOP = (): void => {};

/** The in-memory queue: a bounded ring of batches. */
export class MemoryQueue implements SendQueue {
  readonly #ring: RingQueue<Batch>;
  /** `sizer: items`: queue_size bounds the items queued; undefined when it counts batches. */
  readonly #maxItems: number | undefined;
  #items = 0;
  readonly #full: ConsumerError;
  readonly #onFull: (items: number) => void;

  constructor(queueSize: number, byItems: boolean, full: ConsumerError, onFull: (items: number) => void) {
    // With sizer items every batch holds at least one item (empty ones are not queued), so
    // queue_size also bounds the number of batches.
    this.#ring = new RingQueue<Batch>(queueSize);
    this.#maxItems = byItems ? queueSize : undefined;
    this.#full = full;
    this.#onFull = onFull;
  }

  get size(): number {
    return this.#maxItems === undefined ? this.#ring.size : this.#items;
  }

  get capacity(): number {
    return this.#maxItems ?? this.#ring.capacity;
  }

  get empty(): boolean {
    return this.#ring.size === 0;
  }

  offer(batch: Batch): Promise<void> {
    const max = this.#maxItems;
    const items = batch.items;
    if (max !== undefined) {
      if (items === 0) return RESOLVED;
      // A batch bigger than the whole queue is taken when the queue is empty, or it could
      // never pass.
      if ((this.#items > 0 && this.#items + items > max) || !this.#ring.push(batch)) return this.#refuse(items);
      this.#items += items;
    } else if (!this.#ring.push(batch)) {
      return this.#refuse(items);
    }
    return RESOLVED;
  }

  take(): Promise<Taken | undefined> {
    const batch = this.#ring.shift();
    if (batch === undefined) return Promise.resolve(undefined);
    if (this.#maxItems !== undefined) this.#items -= batch.items;
    return Promise.resolve({ batch, items: batch.items, done: NOOP });
  }

  drainLeft(): { batches: number; items: number; kept: boolean } {
    const left = this.#ring.drain((b) => b.items);
    this.#items = 0;
    return { ...left, kept: false };
  }

  #refuse(items: number): Promise<void> {
    this.#onFull(items);
    return Promise.reject(this.#full);
  }
}

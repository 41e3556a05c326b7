// The batch processor: gathers small batches into bigger ones (fewer, larger exports).
//
// wait_for_export: false (default): consume() resolves once the items are held here (within
// max_pending_items), so a sender whose requests do not fill a batch is not held for
// `timeout` per request. The outgoing batches go through the Outbox, which retries
// retryable refusals; backpressure still reaches senders as `batch_full` once held items
// reach the bound.
//
// wait_for_export: true: consume() resolves only once the outgoing batch that holds its
// items has been accepted by the next consumer, so backpressure and refusals reach the
// sender, which can retry (at-least-once, e.g. behind the Kafka receiver).
//
// In front of durable storage (an exporter with sending_queue.storage downstream, see
// Consumer.durable) and without wait_for_export, nothing is held in memory: each request is
// handed on at once and answered once it is in the log; the persistent queue merges
// consecutive requests on its way out. Holding them here would either answer a sender for
// data a crash can still lose, or hold every sender for `timeout`.
//
// Either way requests are never split across outgoing batches (only a single request
// bigger than send_batch_max_size is split, on its own), so with wait_for_export each
// request's fate is exactly the fate of the batches that hold it.
import type { Batch } from '../../pdata/batch.ts';
import { isDecodeFailure } from '../../pdata/errors.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Health, Processor } from '../../pipeline/component.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import type { BatchProcessorConfig } from './config.ts';
import { mergeBatches, splitBatch } from './merge.ts';
import { Outbox } from './outbox.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

interface Waiter {
  batch: Batch;
  items: number;
  resolve: () => void;
  reject: (err: ConsumerError) => void;
}

const RESOLVED = Promise.resolve();
// Requests answered at once still go through the Waiter list; they share these.
const NOOP = (): void => {};

export class BatchProcessor implements Processor {
  readonly mutates = false;
  readonly #id: string;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #sendSize: number;
  readonly #maxSize: number;
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  /** Set with wait_for_export: false; undefined when senders wait for the export. */
  readonly #outbox: Outbox | undefined;
  /** Durable storage downstream and wait_for_export: false: requests go on at once. */
  readonly #passThrough: boolean;
  readonly #shutdownTimeoutMs: number;
  #pending: Waiter[] = [];
  #pendingItems = 0;
  /** wait_for_export only: items taken by consume() and not yet settled (pending plus being handed on). */
  #waitingItems = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;

  constructor(settings: CreateSettings, config: BatchProcessorConfig, signal: Signal, next: Consumer) {
    this.#id = settings.id.text;
    this.#signal = signal;
    this.#next = next;
    this.#sendSize = config.send_batch_size;
    this.#maxSize = config.send_batch_max_size;
    this.#timeoutMs = config.timeout;
    this.#maxPending = config.max_pending_items;
    this.#passThrough = !config.wait_for_export && next.durable === true;
    this.#outbox = config.wait_for_export || this.#passThrough ? undefined : new Outbox(settings, signal, next);
    this.#shutdownTimeoutMs = settings.shutdownTimeoutMs;
  }

  /** Senders are answered once the next consumer accepted their data: durable when it is. */
  get durable(): boolean {
    return this.#next.durable === true;
  }

  async start(): Promise<void> {}

  /**
   * Sends what is pending and waits until everything handed on is settled. Without
   * wait_for_export, refused batches are retried until the shutdown timeout, then dropped
   * and counted.
   */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    this.#flush();
    if (this.#outbox !== undefined) await this.#outbox.drain(this.#shutdownTimeoutMs);
    else await Promise.allSettled([...this.#inFlight]);
  }

  health(): Health {
    return { healthy: true };
  }

  /** Items held (waiting, being sent or retried), for tests and diagnostics. */
  get heldItems(): number {
    const outbox = this.#outbox;
    return outbox === undefined ? this.#waitingItems : this.#pendingItems + outbox.items;
  }

  consume(batch: Batch): Promise<void> {
    const items = batch.items;
    if (items === 0) return RESOLVED;
    const outbox = this.#outbox;
    if (outbox?.closed) {
      return Promise.reject(ConsumerError.retryable(Reason.shutting_down, `processor ${this.#id} has stopped; retry later`, 1000));
    }
    // The bound holds always, also when nothing is held. A request that is bigger than the
    // whole bound can never pass: it is refused for good (413 / INVALID_ARGUMENT), not with
    // "retry later", which would have its sender retry it forever.
    if (items > this.#maxPending) {
      return Promise.reject(
        ConsumerError.permanent(
          Reason.request_too_large,
          `processor ${this.#id}: a request of ${items} ${this.#signal} items can never fit max_pending_items (${this.#maxPending}); ` + 'send smaller requests, or raise max_pending_items',
          items,
        ),
      );
    }
    const held = this.heldItems;
    if (held + items > this.#maxPending) {
      // While a refused batch is retried, tell senders to wait as long as we do.
      const retryWait = outbox?.retryWaitMs ?? 0;
      const retryAfter = retryWait > 0 ? Math.ceil(retryWait) : this.#timeoutMs;
      return Promise.reject(
        ConsumerError.retryable(
          Reason.batch_full,
          `processor ${this.#id}: ${held} ${this.#signal} items already waiting to be sent (max_pending_items ${this.#maxPending}); ` +
            'retry later, or raise max_pending_items if the next consumer keeps up',
          retryAfter,
        ),
      );
    }
    if (outbox !== undefined) {
      this.#add({ batch, items, resolve: NOOP, reject: NOOP });
      return RESOLVED;
    }
    if (this.#passThrough) {
      if (this.#stopped) return Promise.reject(ConsumerError.retryable(Reason.shutting_down, `processor ${this.#id} has stopped; retry later`, 1000));
      this.#waitingItems += items;
      let handed: Promise<void>;
      try {
        handed = this.#next.consume(batch);
      } catch (err) {
        handed = Promise.reject(err);
      }
      handed = handed.finally(() => {
        this.#waitingItems -= items;
      });
      this.#track(handed.catch(NOOP));
      return handed;
    }
    return new Promise<void>((resolve, reject) => {
      this.#waitingItems += items;
      this.#add({ batch, items, resolve, reject });
    });
  }

  #add(w: Waiter): void {
    this.#pending.push(w);
    this.#pendingItems += w.items;
    if (this.#stopped || this.#pendingItems >= this.#sendSize) this.#flush();
    else if (this.#timer === undefined) this.#timer = setTimeout(this.#onTimer, this.#timeoutMs);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#flush();
  };

  #flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return;
    const waiters = this.#pending;
    this.#pending = [];
    this.#pendingItems = 0;
    // Whole requests into groups of at most send_batch_max_size items (0 = one group).
    const max = this.#maxSize;
    let group: Waiter[] = [];
    let groupItems = 0;
    for (const w of waiters) {
      if (max > 0 && groupItems > 0 && groupItems + w.items > max) {
        this.#dispatch(group, groupItems);
        group = [];
        groupItems = 0;
      }
      group.push(w);
      groupItems += w.items;
    }
    this.#dispatch(group, groupItems);
  }

  #dispatch(group: Waiter[], items: number): void {
    const outbox = this.#outbox;
    if (outbox === undefined) {
      this.#track(this.#send(group, items));
      return;
    }
    if (this.#maxSize > 0 && items > this.#maxSize) {
      // One request bigger than send_batch_max_size: its pieces, in order.
      let pieces: Batch[] | undefined;
      try {
        pieces = splitBatch(group[0].batch, this.#maxSize);
      } catch {
        // It cannot be decoded: hand it on whole and let the next consumer refuse (and count) it.
      }
      if (pieces === undefined) return outbox.push(group[0].batch, items);
      let rest = items;
      for (let i = 0; i < pieces.length; i++) {
        const n = i === pieces.length - 1 ? rest : pieces[i].items;
        rest -= n;
        outbox.push(pieces[i], n);
      }
      return;
    }
    let merged: Batch;
    try {
      merged = mergeBatches(
        this.#signal,
        group.map((w) => w.batch),
        items,
      );
    } catch {
      // One request in the group cannot be decoded: hand them on one by one, so only that
      // one is refused downstream.
      for (const w of group) outbox.push(w.batch, w.items);
      return;
    }
    outbox.push(merged, items);
  }

  #track(p: Promise<void>): void {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  async #send(group: Waiter[], items: number): Promise<void> {
    try {
      if (this.#maxSize > 0 && items > this.#maxSize) return await this.#sendSplit(group[0], items);
      let outgoing: Batch;
      try {
        outgoing = mergeBatches(
          this.#signal,
          group.map((w) => w.batch),
          items,
        );
      } catch (e) {
        return settle(group, ConsumerError.from(e));
      }
      try {
        await this.#next.consume(outgoing);
        settle(group, undefined);
      } catch (e) {
        const err = ConsumerError.from(e);
        // Merged requests the next consumer could not decode: each goes on by itself and is
        // answered by its own fate, so one bad request does not fail the others.
        if (group.length > 1 && !err.retryable && isDecodeFailure(err)) await this.#sendEach(group);
        else settle(group, err);
      }
    } finally {
      this.#waitingItems -= items;
    }
  }

  async #sendEach(group: Waiter[]): Promise<void> {
    for (const w of group) {
      try {
        await this.#next.consume(w.batch);
        w.resolve();
      } catch (e) {
        w.reject(ConsumerError.from(e));
      }
    }
  }

  /** One request bigger than send_batch_max_size: sent in pieces, in order. */
  async #sendSplit(w: Waiter, items: number): Promise<void> {
    let pieces: Batch[];
    try {
      pieces = splitBatch(w.batch, this.#maxSize);
    } catch (e) {
      return w.reject(ConsumerError.from(e));
    }
    let rejected = 0;
    let firstPermanent: ConsumerError | undefined;
    for (const piece of pieces) {
      const n = piece.items;
      try {
        await this.#next.consume(piece);
      } catch (e) {
        const err = ConsumerError.from(e);
        // Retryable: stop here; the sender retries the whole request (at-least-once).
        if (err.retryable) return w.reject(err);
        rejected += Math.min(n, err.rejected ?? n);
        firstPermanent ??= err;
      }
    }
    if (firstPermanent === undefined) return w.resolve();
    w.reject(new ConsumerError(firstPermanent.message, { retryable: false, reason: firstPermanent.reason, rejected: Math.min(rejected, items), cause: firstPermanent }));
  }
}

/**
 * Resolves or rejects every request of a sent batch. A permanent refusal that names a count
 * cannot be traced to particular requests, so each is told min(its items, that count).
 */
function settle(group: Waiter[], err: ConsumerError | undefined): void {
  if (err === undefined) {
    for (const w of group) w.resolve();
    return;
  }
  if (group.length === 1 || err.retryable) {
    for (const w of group) w.reject(err);
    return;
  }
  for (const w of group) {
    const rejected = err.rejected === undefined ? w.items : Math.min(w.items, err.rejected);
    w.reject(new ConsumerError(err.message, { retryable: false, reason: err.reason, rejected, cause: err }));
  }
}

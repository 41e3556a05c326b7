import type { Batch } from '../pdata/batch.ts';
import { ConsumerError, type Consumer } from './consumer.ts';

/**
 * Hands one batch to several consumers: a receiver shared by pipelines, or the exporters
 * at the end of a pipeline. Read-only consumers share the batch; a consumer that mutates
 * gets a copy of its own, except that when every consumer mutates the last one may keep
 * the original (nobody else reads it).
 *
 * The batch is accepted when every consumer accepted it. When some refuse, the refusal is
 * retryable if any refusal is (the sender retries, and consumers that took it see it again:
 * at-least-once), and permanent otherwise.
 */
export class Fanout implements Consumer {
  readonly mutates = false;
  readonly durable: boolean;
  readonly #consumers: readonly Consumer[];
  /** Index of the consumer that may take the original batch, or -1. */
  readonly #ownerIndex: number;

  constructor(consumers: readonly Consumer[]) {
    this.#consumers = consumers;
    this.#ownerIndex = ownerIndex(consumers);
    // The batch is accepted once every consumer accepted it: durable when any part is stored.
    this.durable = consumers.some((c) => c.durable === true);
  }

  async consume(batch: Batch): Promise<void> {
    return handOut(this.#consumers, batch, this.#ownerIndex);
  }
}

/**
 * The consumer that may be handed a batch without a copy although it mutates: the last one
 * when every consumer mutates (nobody else reads what it is given), else none (-1).
 */
export function ownerIndex(consumers: readonly Consumer[]): number {
  const allMutate = consumers.length > 0 && consumers.every((c) => c.mutates);
  return allMutate ? consumers.length - 1 : -1;
}

/**
 * Hands consumer i its batch: `batches[i]`, or the one `batches` for all. A consumer that
 * mutates gets a copy unless it is `owner` (see ownerIndex), so that no consumer sees
 * another's changes. Settles as settleAll does.
 */
export function handOut(consumers: readonly Consumer[], batches: Batch | readonly Batch[], owner: number): Promise<void> {
  const n = consumers.length;
  const pending: Promise<void>[] = new Array(n);
  const one = !Array.isArray(batches);
  for (let i = 0; i < n; i++) {
    const c = consumers[i];
    const b = one ? (batches as Batch) : (batches as readonly Batch[])[i];
    pending[i] = consumeAsync(c, c.mutates && i !== owner ? b.clone() : b);
  }
  return settleAll(pending);
}

/** One consumer, or a Fanout over several. A single consumer is used directly: no cloning needed. */
export function fanout(consumers: readonly Consumer[]): Consumer {
  if (consumers.length === 1) return consumers[0];
  return new Fanout(consumers);
}

/** Starts `c.consume(b)`, turning a synchronous throw into a rejection, so that it is settled with the others. */
export function consumeAsync(c: Consumer, b: Batch): Promise<void> {
  try {
    return c.consume(b);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Waits for every consumer, then refuses when any refused: with the first retryable refusal
 * if there is one (the sender retries; consumers that took the batch see it again), else
 * with the first permanent one.
 */
export async function settleAll(pending: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(pending);
  let failure: ConsumerError | undefined;
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    const err = ConsumerError.from(r.reason);
    if (failure === undefined || (err.retryable && !failure.retryable)) failure = err;
  }
  if (failure !== undefined) throw failure;
}

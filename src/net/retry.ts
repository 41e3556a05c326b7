import { backoffDelay, sleep, type BackoffPolicy } from './backoff.ts';
import { Reason } from '../telemetry/drop-reasons.ts';

// The one retry loop: the exporter helper retries a send with it, the batch processor's
// outbox retries a refused hand-on. Both throw errors that say whether a retry may help and
// how long the peer asked us to wait (ExportError, ConsumerError).

/** What an attempt reports when it fails. */
export interface RetryableError {
  readonly retryable: boolean;
  /** The peer's hint (HTTP Retry-After, gRPC RetryInfo), in milliseconds. */
  readonly retryAfterMs: number | undefined;
}

/** Why `retry` gave up: a drop reason, as counted in the dropped-items metric. */
export type GiveUpReason = typeof Reason.permanent_error | typeof Reason.shutdown_timeout | typeof Reason.retry_disabled | typeof Reason.retries_exhausted;

export interface GiveUp<E> {
  reason: GiveUpReason;
  /** The last attempt's error. */
  error: E;
}

/**
 * Runs `attempt` until it succeeds (returns undefined), fails for good, or `stop` aborts.
 * Between attempts it waits the policy's backoff, or the peer's hint when that is longer;
 * the wait ends early when `stop` aborts. `onWait` is told of every wait before it starts
 * (attempt 0 is the first retry). Resolves to undefined on success, else why it gave up.
 */
export async function retry<E extends RetryableError>(
  attempt: () => Promise<E | undefined>,
  policy: BackoffPolicy,
  stop: AbortSignal,
  onWait?: (error: E, waitMs: number, retries: number) => void,
): Promise<GiveUp<E> | undefined> {
  const started = performance.now();
  for (let n = 0; ; n++) {
    const error = await attempt();
    if (error === undefined) return undefined;
    if (!error.retryable) return { reason: Reason.permanent_error, error };
    if (stop.aborted) return { reason: Reason.shutdown_timeout, error };
    if (!policy.enabled) return { reason: Reason.retry_disabled, error };
    let wait = backoffDelay(policy, n);
    if (error.retryAfterMs !== undefined && error.retryAfterMs > wait) wait = error.retryAfterMs;
    if (policy.max_elapsed_time > 0 && performance.now() - started + wait > policy.max_elapsed_time) {
      return { reason: Reason.retries_exhausted, error };
    }
    onWait?.(error, wait, n);
    await sleep(wait, stop);
    if (stop.aborted) return { reason: Reason.shutdown_timeout, error };
  }
}

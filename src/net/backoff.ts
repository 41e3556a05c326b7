/**
 * Exponential backoff with jitter, in otelcol's `retry_on_failure` terms (milliseconds). The
 * exporter helper reads it from its config; the batch processor's outbox has fixed values.
 */
export interface BackoffPolicy {
  /** False: a retryable failure is not retried. */
  readonly enabled: boolean;
  readonly initial_interval: number;
  readonly randomization_factor: number;
  readonly multiplier: number;
  readonly max_interval: number;
  /** Give up on an item after this long; 0 = retry until stopped. */
  readonly max_elapsed_time: number;
}

/**
 * The wait before retry number `attempt` (0 = the first retry): the interval grows from
 * `initial_interval` by `multiplier` up to `max_interval`, and each wait is drawn uniformly
 * from interval × [1 - randomization_factor, 1 + randomization_factor] so that many
 * exporters failing together do not retry in lockstep.
 */
export function backoffDelay(retry: BackoffPolicy, attempt: number, random = Math.random): number {
  const interval = Math.min(retry.initial_interval * retry.multiplier ** attempt, retry.max_interval);
  const spread = interval * retry.randomization_factor;
  return interval - spread + random() * 2 * spread;
}

/**
 * Waits `ms`, or less when `signal` aborts first. Resolves either way (never rejects), so
 * callers check the signal afterwards.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

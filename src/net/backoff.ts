import type { HelperConfig } from '../exporters/helper/config.ts';

/**
 * The wait before retry number `attempt` (0 = the first retry): the interval grows from
 * `initial_interval` by `multiplier` up to `max_interval`, and each wait is drawn uniformly
 * from interval × [1 - randomization_factor, 1 + randomization_factor] so that many
 * exporters failing together do not retry in lockstep.
 */
export function backoffDelay(retry: HelperConfig['retry_on_failure'], attempt: number, random = Math.random): number {
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

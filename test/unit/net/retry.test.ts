import { describe, expect, it } from 'vitest';
import { retry, type RetryableError } from '../../../src/net/retry.ts';
import type { BackoffPolicy } from '../../../src/net/backoff.ts';

const POLICY: BackoffPolicy = { enabled: true, initial_interval: 1, multiplier: 2, max_interval: 4, randomization_factor: 0, max_elapsed_time: 0 };
const busy = (retryAfterMs?: number): RetryableError => ({ retryable: true, retryAfterMs });
const broken: RetryableError = { retryable: false, retryAfterMs: undefined };

/** An attempt that fails with `errors` in turn, then succeeds. */
function failing(...errors: RetryableError[]) {
  let calls = 0;
  const attempt = async () => errors[calls++];
  return { attempt, calls: () => calls };
}

describe('retry', () => {
  it('retries retryable failures with growing backoff until the attempt succeeds', async () => {
    const a = failing(busy(), busy(), busy(), busy());
    const waits: number[] = [];
    const out = await retry(a.attempt, POLICY, new AbortController().signal, (_e, ms) => waits.push(ms));
    expect(out).toBeUndefined();
    expect(a.calls()).toBe(5);
    expect(waits).toEqual([1, 2, 4, 4]); // doubles, capped at max_interval
  });

  it("waits the peer's hint when it is longer than the backoff", async () => {
    const a = failing(busy(30));
    const waits: number[] = [];
    await retry(a.attempt, POLICY, new AbortController().signal, (_e, ms) => waits.push(ms));
    expect(waits).toEqual([30]);
  });

  it('gives up at once on a permanent failure, even when retries are off or stopping', async () => {
    const stopped = new AbortController();
    stopped.abort();
    for (const [policy, stop] of [
      [POLICY, new AbortController().signal],
      [{ ...POLICY, enabled: false }, stopped.signal],
    ] as const) {
      const a = failing(broken);
      expect(await retry(a.attempt, policy, stop)).toEqual({ reason: 'permanent_error', error: broken });
      expect(a.calls()).toBe(1);
    }
  });

  it('says why it gave up on a retryable failure', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const e = busy();
    expect(await retry(failing(e).attempt, POLICY, stopped.signal)).toEqual({ reason: 'shutdown_timeout', error: e });
    expect(await retry(failing(e).attempt, { ...POLICY, enabled: false }, new AbortController().signal)).toEqual({ reason: 'retry_disabled', error: e });
    // The second 100 ms wait would end past max_elapsed_time: give up instead of waiting.
    const a = failing(e, e, e);
    expect(await retry(a.attempt, { ...POLICY, initial_interval: 100, max_interval: 100, max_elapsed_time: 150 }, new AbortController().signal)).toEqual({ reason: 'retries_exhausted', error: e });
    expect(a.calls()).toBe(2);
  });

  it('stops waiting when stopped mid-wait', async () => {
    const stop = new AbortController();
    const a = failing(busy(), busy());
    const started = performance.now();
    const out = await retry(a.attempt, { ...POLICY, initial_interval: 60_000, max_interval: 60_000 }, stop.signal, () => queueMicrotask(() => stop.abort()));
    expect(out?.reason).toBe('shutdown_timeout');
    expect(a.calls()).toBe(1);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

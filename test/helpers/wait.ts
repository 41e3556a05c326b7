// Waiting in tests. Prefer an event (a promise the code under test resolves, `once(emitter,
// 'x')`, a consumer that signals when called); `until` is for state that has no event (a file
// on disk, another process's /health), and it fails with what it waited for. Never a fixed
// sleep: on a loaded machine any fixed delay is too short, and on an idle one too long.

import { vi } from 'vitest';

// Taken before any test can install fake timers, so `until` keeps real time under them.
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now;
const realSetImmediate = globalThis.setImmediate;

/**
 * Resolves once `check` holds, checking again every few milliseconds (real time, also under
 * fake timers). A check that throws counts as not yet (a server still starting refuses
 * connections). `each` runs after every failed check, e.g. to fail fast when a child died.
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'a condition', each?: () => void | Promise<void>): Promise<void> {
  const end = realNow() + timeoutMs;
  let interval = 2;
  for (;;) {
    const ok = await Promise.resolve()
      .then(check)
      .catch(() => false);
    if (ok) return;
    if (each) await each();
    if (realNow() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => realSetTimeout(r, interval));
    interval = Math.min(interval * 2, 50);
  }
}

/** A promise with its resolver, for "tell me when this happened" hooks in fakes. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets everything already queued run: promise jobs, I/O callbacks and immediates. */
export function turn(): Promise<void> {
  return new Promise((r) => realSetImmediate(r));
}

/**
 * Under fake timers: moves the fake clock on by `stepMs` at a time, letting real I/O run in
 * between, until `check` holds. For code that waits a timer (a retry's backoff, a peer's
 * Retry-After) and then does real I/O, so a test need not wait the timer's real duration.
 * The fake clock runs at most 5x real time: a timeout of the code under test (5 s for an
 * export attempt) fires only if its real I/O stalls for a fifth of it; tests that must never
 * see one set the timeout out of reach.
 */
export async function untilAdvancing(check: () => boolean | Promise<boolean>, stepMs = 100, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
  const end = realNow() + timeoutMs;
  while (!(await check())) {
    if (realNow() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await vi.advanceTimersByTimeAsync(stepMs);
    // Real time for real I/O (a socket's answer) before the clock moves again.
    await new Promise((r) => realSetTimeout(r, Math.max(1, stepMs / 5)));
  }
}

/**
 * Under fake timers, for code that waits only on timers (no real I/O): fires the pending
 * timers one at a time, in order, until `check` holds. Exact: the fake clock stops at each
 * timer's due time, so a test can assert the waits to the millisecond.
 */
export async function untilTimers(check: () => boolean | Promise<boolean>, maxTimers = 1000, what = 'a condition'): Promise<void> {
  let fired = 0;
  let idle = 0;
  while (!(await check())) {
    if (vi.getTimerCount() === 0) {
      // Nothing scheduled yet: the code may still be between two awaits.
      if (++idle > 100) throw new Error(`${what} did not happen, and no timer is pending (${fired} fired)`);
      await turn();
      continue;
    }
    idle = 0;
    if (++fired > maxTimers) throw new Error(`${what} did not happen within ${maxTimers} timers`);
    await vi.advanceTimersToNextTimerAsync();
    await turn();
  }
}

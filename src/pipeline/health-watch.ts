import type { Logger } from 'pino';
import type { Health } from './component.ts';

/** How often the running components' health is looked at. */
export const HEALTH_WATCH_INTERVAL_MS = 1000;

interface Watched {
  id: string;
  health(): Health;
}

/**
 * Logs every change of a component between healthy and unhealthy, once each way: a WARN line
 * with the component and the reason when it turns unhealthy (a file exporter's disk full, a
 * backend down), an INFO line when it is healthy again, with how long it was not. A changing
 * reason while it stays unhealthy is not a transition (its counters would repeat the line).
 * Health is looked at every `intervalMs`, so a state shorter than that may pass unlogged.
 */
export class HealthWatch {
  readonly #components: () => Iterable<Watched>;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  /** Unhealthy components: since when and why. */
  readonly #down = new Map<string, { since: number; reason: string }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(components: () => Iterable<Watched>, logger: Logger, intervalMs = HEALTH_WATCH_INTERVAL_MS) {
    this.#components = components;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Looks at every component once and logs what changed. */
  check(now = Date.now()): void {
    for (const c of this.#components()) {
      const h = c.health();
      const was = this.#down.get(c.id);
      if (!h.healthy && was === undefined) {
        const reason = h.message ?? 'no reason given';
        this.#down.set(c.id, { since: now, reason });
        this.#logger.warn({ component: c.id, reason }, `${c.id} is unhealthy: ${reason}`);
      } else if (h.healthy && was !== undefined) {
        this.#down.delete(c.id);
        const seconds = Math.round((now - was.since) / 100) / 10;
        this.#logger.info({ component: c.id, unhealthy_seconds: seconds, reason_was: was.reason }, `${c.id} is healthy again after ${seconds} s unhealthy (${was.reason})`);
      }
    }
  }
}

import type { Logger } from 'pino';
import type { SelfMetrics } from '../../telemetry/metrics.ts';
import type { Reason } from '../../telemetry/drop-reasons.ts';

// Bad data never breaks a scrape: it is left out, counted and logged. Each (reason, metric)
// is logged once (a sender repeats its mistake every few seconds), up to LOGGED_LIMIT
// distinct pairs; the counters keep counting every point.

const LOGGED_LIMIT = 1000;

export type ConflictKind = 'type' | 'unit' | 'help';

export class Reporter {
  readonly #component: string;
  readonly #logger: Logger;
  readonly #metrics: SelfMetrics;
  readonly #logged = new Set<string>();
  /** Conflicts seen, by kind: points whose name clashed with a family of another type, unit or help. */
  readonly conflicts: Record<ConflictKind, number> = { type: 0, unit: 0, help: 0 };

  constructor(component: string, logger: Logger, metrics: SelfMetrics) {
    this.#component = component;
    this.#logger = logger;
    this.#metrics = metrics;
  }

  drop(reason: Reason, metric: string, points: number, detail: string): void {
    this.#metrics.dropped(this.#component, 'metrics', reason, points);
    this.#once(reason, metric, detail, 'left out of the scrape');
  }

  conflict(kind: ConflictKind, metric: string, points: number, detail: string): void {
    this.conflicts[kind] += points;
    this.#metrics.prometheusConflict(this.#component, kind, points);
    if (kind === 'help') this.#once('help_conflict', metric, detail, 'the first help text is kept');
  }

  #once(reason: string, metric: string, detail: string, outcome: string): void {
    const key = `${reason}\u0000${metric}`;
    if (this.#logged.has(key) || this.#logged.size >= LOGGED_LIMIT) return;
    this.#logged.add(key);
    this.#logger.warn({ reason, metric }, `prometheus exporter: metric "${metric}": ${detail}; ${outcome} (logged once per metric and reason, counted in genrf_collector_dropped_items_total)`);
  }
}

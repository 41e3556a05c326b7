import { Batch } from '../../pdata/batch.ts';
import type { Connector, ConnectorConsumers, CreateSettings, Health, Host } from '../../pipeline/component.ts';
import { ConsumerError } from '../../pipeline/consumer.ts';
import { Aggregator } from './aggregator.ts';
import { buildMetrics, type BuildOptions } from './build-metrics.ts';
import type { SpanMetricsConfig } from './config.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const RESOLVED = Promise.resolve();
const NS_PER_UNIT = { ms: 1e6, s: 1e9 } as const;

function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * traces -> metrics: counts spans and records their durations per dimension set, and emits
 * the totals (cumulative by default) every `metrics_flush_interval` and once more on
 * shutdown. Taking spans is synchronous and never refuses: the traces pipeline is not slowed
 * by the metrics one.
 */
export class SpanMetricsConnector implements Connector {
  readonly mutates = false;
  readonly #settings: CreateSettings;
  readonly #config: SpanMetricsConfig;
  readonly #next: ConnectorConsumers;
  readonly #agg: Aggregator;
  readonly #component: string;
  readonly #delta: boolean;
  readonly #expireEpochs: number;
  readonly #build: Omit<BuildOptions, 'now' | 'deltaStart'>;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #lastFlush = nowNanos();
  #lastError: string | undefined;
  #warnedOverflow = false;

  constructor(settings: CreateSettings, config: SpanMetricsConfig, next: ConnectorConsumers) {
    this.#settings = settings;
    this.#config = config;
    this.#next = next;
    this.#agg = new Aggregator(config, nowNanos);
    this.#component = `connector/${settings.id.text}`;
    this.#delta = config.aggregation_temporality === 'AGGREGATION_TEMPORALITY_DELTA';
    this.#expireEpochs = config.metrics_expiration > 0 ? Math.ceil(config.metrics_expiration / config.metrics_flush_interval) : 0;
    const ns = config.namespace;
    const unit = config.histogram.unit;
    this.#build = {
      callsName: ns ? `${ns}.calls` : 'calls',
      durationName: ns ? `${ns}.duration` : 'duration',
      unit,
      bounds: config.histogram.explicit.buckets.map((b) => b / NS_PER_UNIT[unit]),
      histogram: !config.histogram.disable,
      delta: this.#delta,
    };
  }

  async start(_host?: Host): Promise<void> {
    // unref: a pending flush alone must not keep the process alive; shutdown flushes.
    this.#timer = setInterval(() => void this.flush(), this.#config.metrics_flush_interval);
    this.#timer.unref();
  }

  consume(batch: Batch): Promise<void> {
    const overflowed = this.#agg.add(batch.data as Batch<'traces'>['data']);
    if (overflowed > 0) this.#countOverflow(overflowed);
    return RESOLVED;
  }

  /** Emits the current metrics (one flush at a time; a tick during a slow flush is skipped). */
  flush(): Promise<void> {
    if (this.#flushing !== undefined) return this.#flushing;
    this.#flushing = this.#emit().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  health(): Health {
    return this.#lastError === undefined ? { healthy: true } : { healthy: false, message: this.#lastError };
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    await this.flush();
  }

  async #emit(): Promise<void> {
    const now = nowNanos();
    const { data, points } = buildMetrics(this.#agg.groups(), this.#agg.overflow, { ...this.#build, now, deltaStart: this.#lastFlush });
    this.#agg.afterFlush(this.#delta, this.#expireEpochs);
    this.#lastFlush = now;
    if (points === 0) return;
    try {
      await this.#next.all.consume(Batch.of('metrics', data, points));
      this.#lastError = undefined;
    } catch (err) {
      const e = ConsumerError.from(err);
      this.#lastError = `emitting span metrics failed: ${e.message}`;
      if (this.#delta) {
        // Delta counts were reset when built: what was refused is lost.
        this.#settings.metrics.dropped(this.#component, 'metrics', e.reason, points);
        this.#settings.logger.warn(
          { connector: this.#settings.id.text, reason: e.reason, points, err: e.message },
          `spanmetrics ${this.#settings.id.text} dropped ${points} data points (${e.reason}): ${e.message}`,
        );
      } else {
        // Cumulative totals are kept: the next flush carries them, nothing is lost.
        this.#settings.logger.warn(
          { connector: this.#settings.id.text, reason: e.reason, err: e.message },
          `spanmetrics ${this.#settings.id.text}: the metrics pipeline refused a flush (${e.reason}: ${e.message}); the totals go out with the next flush`,
        );
      }
    }
  }

  #countOverflow(n: number): void {
    this.#settings.metrics.dropped(this.#component, 'traces', Reason.series_limit, n);
    if (this.#warnedOverflow) return;
    this.#warnedOverflow = true;
    this.#settings.logger.warn(
      { connector: this.#settings.id.text, limit: this.#config.dimensions_cache_size },
      `spanmetrics ${this.#settings.id.text}: ${this.#config.dimensions_cache_size} series reached; spans of new dimension sets are ` +
        `counted in the series otel.metric.overflow=true (counted as series_limit in genrf_collector_dropped_items_total). ` +
        'Raise dimensions_cache_size, or drop high-cardinality dimensions',
    );
  }
}

import { Counter, Gauge, Registry } from 'prom-client';
import type { Signal } from '../pdata/types.ts';

// The daemon's own metrics, under the OpenTelemetry Collector's names so that existing
// collector dashboards and alerts work. Every metric is declared here and nowhere else;
// components get bound handles once, when they are built, and never build names or label
// sets on the hot path.

const ITEM: Record<Signal, string> = { traces: 'spans', metrics: 'metric_points', logs: 'log_records' };

export interface ReceiverMetrics {
  accepted(signal: Signal, items: number): void;
  refused(signal: Signal, items: number): void;
}

export interface ExporterMetrics {
  sent(items: number): void;
  sendFailed(items: number): void;
  enqueueFailed(items: number): void;
  queue(size: number, capacity: number): void;
}

export interface ProcessorMetrics {
  incoming(items: number): void;
  outgoing(items: number): void;
}

export interface RedactionMetrics {
  /** Adds `n` redactions by the detector at `index` in the list given to `redaction()`. */
  redacted(index: number, n: number): void;
}

export class SelfMetrics {
  readonly registry = new Registry();
  readonly #accepted: Record<Signal, Counter>;
  readonly #refused: Record<Signal, Counter>;
  readonly #sent: Record<Signal, Counter>;
  readonly #sendFailed: Record<Signal, Counter>;
  readonly #enqueueFailed: Record<Signal, Counter>;
  readonly #queueSize: Gauge;
  readonly #queueCapacity: Gauge;
  readonly #incoming: Counter;
  readonly #outgoing: Counter;
  readonly #dropped: Counter;
  readonly #redactions: Counter;

  constructor() {
    const registers = [this.registry];
    const counters = (prefix: string, help: string, labelNames: string[]) => {
      const out = {} as Record<Signal, Counter>;
      for (const signal of ['traces', 'metrics', 'logs'] as const) {
        out[signal] = new Counter({
          name: `${prefix}_${ITEM[signal]}_total`,
          help: `${help} (${ITEM[signal].replace('_', ' ')})`,
          labelNames,
          registers,
        });
      }
      return out;
    };
    this.#accepted = counters('otelcol_receiver_accepted', 'Items successfully pushed into the pipeline', ['receiver', 'transport']);
    this.#refused = counters('otelcol_receiver_refused', 'Items that could not be pushed into the pipeline', ['receiver', 'transport']);
    this.#sent = counters('otelcol_exporter_sent', 'Items successfully sent to the destination', ['exporter']);
    this.#sendFailed = counters('otelcol_exporter_send_failed', 'Items the exporter failed to send', ['exporter']);
    this.#enqueueFailed = counters('otelcol_exporter_enqueue_failed', 'Items refused because the sending queue was full', ['exporter']);
    this.#queueSize = new Gauge({ name: 'otelcol_exporter_queue_size', help: 'Batches in the sending queue', labelNames: ['exporter', 'data_type'], registers });
    this.#queueCapacity = new Gauge({ name: 'otelcol_exporter_queue_capacity', help: 'Capacity of the sending queue, in batches', labelNames: ['exporter', 'data_type'], registers });
    this.#incoming = new Counter({ name: 'otelcol_processor_incoming_items_total', help: 'Items passed to the processor', labelNames: ['processor', 'otel_signal'], registers });
    this.#outgoing = new Counter({ name: 'otelcol_processor_outgoing_items_total', help: 'Items emitted by the processor', labelNames: ['processor', 'otel_signal'], registers });
    this.#dropped = new Counter({
      name: 'genrf_collector_dropped_items_total',
      help: 'Items dropped for good, by component and reason',
      labelNames: ['component', 'otel_signal', 'reason'],
      registers,
    });
    this.#redactions = new Counter({
      name: 'genrf_collector_redactions_total',
      help: 'Values redacted by the redaction processor, by detector (never the values themselves)',
      labelNames: ['processor', 'detector'],
      registers,
    });
  }

  receiver(id: string, transport: string): ReceiverMetrics {
    const labels = { receiver: id, transport };
    const acc = { traces: this.#accepted.traces.labels(labels), metrics: this.#accepted.metrics.labels(labels), logs: this.#accepted.logs.labels(labels) };
    const ref = { traces: this.#refused.traces.labels(labels), metrics: this.#refused.metrics.labels(labels), logs: this.#refused.logs.labels(labels) };
    // Touch both so the series exist at zero from the start.
    for (const s of ['traces', 'metrics', 'logs'] as const) { acc[s].inc(0); ref[s].inc(0); }
    return {
      accepted: (signal, n) => acc[signal].inc(n),
      refused: (signal, n) => ref[signal].inc(n),
    };
  }

  exporter(id: string, signal: Signal): ExporterMetrics {
    const labels = { exporter: id };
    const sent = this.#sent[signal].labels(labels);
    const failed = this.#sendFailed[signal].labels(labels);
    const enqueue = this.#enqueueFailed[signal].labels(labels);
    sent.inc(0); failed.inc(0); enqueue.inc(0);
    const size = this.#queueSize.labels({ exporter: id, data_type: signal });
    const capacity = this.#queueCapacity.labels({ exporter: id, data_type: signal });
    return {
      sent: (n) => sent.inc(n),
      sendFailed: (n) => failed.inc(n),
      enqueueFailed: (n) => enqueue.inc(n),
      queue: (s, c) => { size.set(s); capacity.set(c); },
    };
  }

  processor(id: string, signal: Signal): ProcessorMetrics {
    const incoming = this.#incoming.labels({ processor: id, otel_signal: signal });
    const outgoing = this.#outgoing.labels({ processor: id, otel_signal: signal });
    incoming.inc(0); outgoing.inc(0);
    return { incoming: (n) => incoming.inc(n), outgoing: (n) => outgoing.inc(n) };
  }

  /** One handle per detector name, bound once when a redaction processor is built. */
  redaction(processor: string, detectors: readonly string[]): RedactionMetrics {
    const handles = detectors.map((detector) => this.#redactions.labels({ processor, detector }));
    for (const h of handles) h.inc(0);
    return { redacted: (index, n) => handles[index].inc(n) };
  }

  /** Counts items dropped for good. `component` is `kind/id`, e.g. `exporter/file`. */
  dropped(component: string, signal: Signal, reason: string, items: number): void {
    this.#dropped.labels({ component, otel_signal: signal, reason }).inc(items);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

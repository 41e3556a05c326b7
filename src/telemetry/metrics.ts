import type { Signal } from '../pdata/types.ts';
import { REASONS, REASON_INDEX, type Reason } from './drop-reasons.ts';
import { render, CONTENT_TYPE, type Format } from '../prom/exposition.ts';
import { pair } from '../prom/labels.ts';
import { redactText } from './redact.ts';
import { type PointKind, type Series, SeriesStore } from '../prom/store.ts';

// The daemon's own metrics, under the OpenTelemetry Collector's names so that existing
// collector dashboards and alerts work. Every metric is declared here and nowhere else;
// components get bound handles once, when they are built, and never build names or label
// sets on the hot path.
//
// They live in the prometheus exporter's series store and are written by its exposition code,
// so the daemon's endpoint speaks the same text 0.0.4 / OpenMetrics (and gzip) as the
// exporter. A bound handle is the series object itself: counting is `series.value += n`.

const ITEM: Record<Signal, string> = { traces: 'spans', metrics: 'metric_points', logs: 'log_records' };

export interface ReceiverMetrics {
  accepted(signal: Signal, items: number): void;
  /** Refused with a retryable answer (the sender tries again), or refused for good and counted downstream. */
  refused(signal: Signal, items: number): void;
  /**
   * Refused for good by the receiver itself (malformed, over a limit): counted in
   * otelcol_receiver_refused_* and, with the reason, in genrf_collector_dropped_items_total
   * as `receiver/<id>`, since the sender will not send it again.
   */
  rejected(signal: Signal, reason: Reason, items: number): void;
}

export interface ExporterMetrics {
  sent(items: number): void;
  sendFailed(items: number): void;
  enqueueFailed(items: number): void;
  queue(size: number, capacity: number): void;
}

/** Counts items dropped for good by one component and signal, with a reason. */
export type DropCounter = (reason: Reason, items: number) => void;

export interface ProcessorMetrics {
  incoming(items: number): void;
  outgoing(items: number): void;
}

export interface RedactionMetrics {
  /** Adds `n` redactions by the detector at `index` in the list given to `redaction()`. */
  redacted(index: number, n: number): void;
}

/** Requests a server refused because they failed authentication, by reason. */
export interface AuthFailureCounter {
  failed(reason: string): void;
}

/** One series as `snapshot()` gives it: what `/metrics` writes, as data. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Every series made so far, with its labels as data (for snapshot; the store keeps them as text). */
type Index = Map<Series, { name: string; labels: Record<string, string> }>;

/** A metric family: its name, type and help, and a function from label values to a series. */
class Declared {
  readonly #store: SeriesStore;
  readonly #index: Index;
  readonly #name: string;
  readonly #kind: PointKind;
  readonly #help: string;

  constructor(store: SeriesStore, index: Index, name: string, kind: PointKind, help: string) {
    this.#store = store;
    this.#index = index;
    this.#name = name;
    this.#kind = kind;
    this.#help = help;
    store.family(name, kind, '', help);
  }

  /** The series of these labels (written in the order given, as before), created at zero on first use. */
  labels(labels: Record<string, string>): Series {
    const f = this.#store.family(this.#name, this.#kind, '', this.#help);
    let text = '';
    // Masked: a label value must never carry a secret (an endpoint with a password).
    for (const k in labels) text += (text === '' ? '' : ',') + pair(k, redactText(labels[k]));
    const series = this.#store.series(f, text, 0)!;
    if (!this.#index.has(series)) this.#index.set(series, { name: this.#name, labels: { ...labels } });
    return series;
  }
}

export class SelfMetrics {
  /** Unbounded (the label values are component ids and fixed reasons) and never expiring. */
  readonly #store = new SeriesStore(Number.MAX_SAFE_INTEGER, 0);
  readonly #index: Index = new Map();
  readonly #accepted: Record<Signal, Declared>;
  readonly #refused: Record<Signal, Declared>;
  readonly #sent: Record<Signal, Declared>;
  readonly #sendFailed: Record<Signal, Declared>;
  readonly #enqueueFailed: Record<Signal, Declared>;
  readonly #queueSize: Declared;
  readonly #queueCapacity: Declared;
  readonly #incoming: Declared;
  readonly #outgoing: Declared;
  readonly #dropped: Declared;
  readonly #redactions: Declared;
  readonly #conflicts: Declared;
  readonly #reloads: Declared;
  readonly #storageSkipped: Declared;
  readonly #authFailures: Declared;
  /** Bound drop counters by component, for dropped(). */
  readonly #drops = new Map<string, Record<Signal, DropCounter>>();

  constructor() {
    const store = this.#store;
    const index = this.#index;
    const counters = (prefix: string, help: string) => {
      const out = {} as Record<Signal, Declared>;
      for (const signal of ['traces', 'metrics', 'logs'] as const) {
        out[signal] = new Declared(store, index, `${prefix}_${ITEM[signal]}_total`, 'counter', `${help} (${ITEM[signal].replace('_', ' ')})`);
      }
      return out;
    };
    this.#accepted = counters('otelcol_receiver_accepted', 'Items successfully pushed into the pipeline');
    this.#refused = counters('otelcol_receiver_refused', 'Items that could not be pushed into the pipeline');
    this.#sent = counters('otelcol_exporter_sent', 'Items successfully sent to the destination');
    this.#sendFailed = counters('otelcol_exporter_send_failed', 'Items the exporter failed to send');
    this.#enqueueFailed = counters('otelcol_exporter_enqueue_failed', 'Items refused because the sending queue was full');
    this.#queueSize = new Declared(store, index, 'otelcol_exporter_queue_size', 'gauge', 'Size of the sending queue, in the sizer unit (batches or items)');
    this.#queueCapacity = new Declared(store, index, 'otelcol_exporter_queue_capacity', 'gauge', 'Capacity of the sending queue, in the sizer unit (batches or items)');
    this.#incoming = new Declared(store, index, 'otelcol_processor_incoming_items_total', 'counter', 'Items passed to the processor');
    this.#outgoing = new Declared(store, index, 'otelcol_processor_outgoing_items_total', 'counter', 'Items emitted by the processor');
    this.#dropped = new Declared(store, index, 'genrf_collector_dropped_items_total', 'counter', 'Items dropped for good, by component and reason');
    this.#redactions = new Declared(store, index, 'genrf_collector_redactions_total', 'counter', 'Values redacted by the redaction processor, by detector (never the values themselves)');
    this.#conflicts = new Declared(store, index, 'genrf_collector_prometheus_conflicts_total', 'counter', 'Points whose Prometheus name clashed with another type, unit or help (prometheus exporter)');
    this.#reloads = new Declared(
      store,
      index,
      'genrf_collector_reloads_total',
      'counter',
      'Reloads of the pipeline files, by trigger (sighup, http, watch) and result (reloaded, refused, failed, unchanged)',
    );
    this.#storageSkipped = new Declared(
      store,
      index,
      'genrf_collector_storage_skipped_records_total',
      'counter',
      'Records a storage extension could not read back at start (torn by a crash mid-write, or corrupt), by reason',
    );
    this.#authFailures = new Declared(
      store,
      index,
      'genrf_collector_auth_failures_total',
      'counter',
      'Requests refused by a server because they failed authentication, by listener and reason (missing, invalid, unavailable, tls_handshake)',
    );
  }

  receiver(id: string, transport: string): ReceiverMetrics {
    const labels = { receiver: id, transport };
    const component = `receiver/${id}`;
    const acc = { traces: this.#accepted.traces.labels(labels), metrics: this.#accepted.metrics.labels(labels), logs: this.#accepted.logs.labels(labels) };
    const ref = { traces: this.#refused.traces.labels(labels), metrics: this.#refused.metrics.labels(labels), logs: this.#refused.logs.labels(labels) };
    return {
      accepted: (signal, n) => {
        acc[signal].value += n;
      },
      refused: (signal, n) => {
        ref[signal].value += n;
      },
      rejected: (signal, reason, n) => {
        ref[signal].value += n;
        this.dropped(component, signal, reason, n);
      },
    };
  }

  exporter(id: string, signal: Signal): ExporterMetrics {
    const labels = { exporter: id };
    const sent = this.#sent[signal].labels(labels);
    const failed = this.#sendFailed[signal].labels(labels);
    const enqueue = this.#enqueueFailed[signal].labels(labels);
    const size = this.#queueSize.labels({ exporter: id, data_type: signal });
    const capacity = this.#queueCapacity.labels({ exporter: id, data_type: signal });
    return {
      sent: (n) => {
        sent.value += n;
      },
      sendFailed: (n) => {
        failed.value += n;
      },
      enqueueFailed: (n) => {
        enqueue.value += n;
      },
      queue: (s, c) => {
        size.value = s;
        capacity.value = c;
      },
    };
  }

  processor(id: string, signal: Signal): ProcessorMetrics {
    const incoming = this.#incoming.labels({ processor: id, otel_signal: signal });
    const outgoing = this.#outgoing.labels({ processor: id, otel_signal: signal });
    return {
      incoming: (n) => {
        incoming.value += n;
      },
      outgoing: (n) => {
        outgoing.value += n;
      },
    };
  }

  /** One handle per detector name, bound once when a redaction processor is built. */
  redaction(processor: string, detectors: readonly string[]): RedactionMetrics {
    const handles = detectors.map((detector) => this.#redactions.labels({ processor, detector }));
    return {
      redacted: (index, n) => {
        handles[index].value += n;
      },
    };
  }

  /**
   * A drop counter bound to a component (`kind/id`, e.g. `exporter/file`) and signal: each
   * reason's series is made on its first drop, and every later drop is an array index and an
   * addition (no label text is built).
   */
  drops(component: string, signal: Signal): DropCounter {
    const series: Array<Series | undefined> = new Array(REASONS.length);
    const declared = this.#dropped;
    return (reason, items) => {
      const i = REASON_INDEX[reason];
      (series[i] ??= declared.labels({ component, otel_signal: signal, reason })).value += items;
    };
  }

  /** Counts items dropped for good, through the component's bound counter (see drops()). */
  dropped(component: string, signal: Signal, reason: Reason, items: number): void {
    let bound = this.#drops.get(component);
    if (bound === undefined) {
      bound = { traces: this.drops(component, 'traces'), metrics: this.drops(component, 'metrics'), logs: this.drops(component, 'logs') };
      this.#drops.set(component, bound);
    }
    bound[signal](reason, items);
  }

  /** Points whose name clashed in the prometheus exporter; `kind` is type, unit or help. */
  prometheusConflict(component: string, kind: 'type' | 'unit' | 'help', points: number): void {
    this.#conflicts.labels({ component, kind }).value += points;
  }

  /** Counts one reload attempt. */
  reload(trigger: string, result: string): void {
    this.#reloads.labels({ trigger, result }).value += 1;
  }

  /** Bound per listener (`receiver/otlp (grpc)`, `health_check`...); a series per reason, made on first use. */
  authFailures(listener: string): AuthFailureCounter {
    const byReason = new Map<string, { value: number }>();
    return {
      failed: (reason) => {
        let s = byReason.get(reason);
        if (s === undefined) byReason.set(reason, (s = this.#authFailures.labels({ listener, reason })));
        s.value += 1;
      },
    };
  }

  /** Every series with its current value, as `/metrics` would write it (counters and gauges). */
  snapshot(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const [series, { name, labels }] of this.#index) out.push({ name, labels, value: series.value });
    return out;
  }

  /** Counts records file_storage skipped at start: `torn` (a crash mid-write) or `corrupt`. */
  storageRecordsSkipped(extension: string, reason: 'torn' | 'corrupt', records: number): void {
    this.#storageSkipped.labels({ extension, reason }).value += records;
  }

  /** The exposition of every metric: text format 0.0.4 unless OpenMetrics is asked for. */
  async render(format: Format = 'text'): Promise<string> {
    return render(this.#store, { format, timestamps: false });
  }

  get contentType(): string {
    return CONTENT_TYPE.text;
  }

  contentTypeOf(format: Format): string {
    return CONTENT_TYPE[format];
  }
}

// The status document: what the page shows, as JSON (`GET /api/status`, and each server-sent
// event). Counters are the daemon's own metrics as `/metrics` has them at that moment; the
// page turns them into rates between two documents.
import type { Health, Host } from '../../pipeline/component.ts';
import type { ModelNode } from '../../pipeline/graph-model.ts';
import type { SecurityView } from '../../pipeline/introspection.ts';
import type { MetricSample, SelfMetrics } from '../../telemetry/metrics.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

export interface LastError {
  message: string;
  /** Milliseconds since the epoch. */
  time: number;
  level: string;
}

export interface NodeStatus {
  id: string;
  kind: ModelNode['kind'];
  label: string;
  pipeline?: string;
  signals: string[];
  health: { healthy: boolean; message: string };
  /** Totals since start (the page shows rates). Absent when the component kind has none. */
  counters: Partial<Record<'accepted' | 'refused' | 'incoming' | 'outgoing' | 'sent' | 'failed' | 'enqueue_failed' | 'dropped', number>>;
  queue?: { size: number; capacity: number };
  last_error?: LastError;
}

export interface StatusDocument {
  time: number;
  config_hash: string;
  refresh_ms: number;
  nodes: NodeStatus[];
  edges: Array<{ from: string; to: string }>;
  pipelines: Record<string, string[]>;
  drops: Array<{ component: string; signal: string; reason: string; items: number }>;
  security?: SecurityView & { guard_dropped: Record<string, number> };
  reloads: Array<{ trigger: string; result: string; count: number }>;
  tap_enabled: boolean;
  reload_enabled: boolean;
}

/** The sum of a metric over the series whose labels match. */
class Sums {
  readonly #by = new Map<string, MetricSample[]>();
  constructor(samples: MetricSample[]) {
    for (const s of samples) {
      let list = this.#by.get(s.name);
      if (!list) this.#by.set(s.name, (list = []));
      list.push(s);
    }
  }
  of(names: string | readonly string[], labels: Record<string, string>): number {
    let total = 0;
    for (const name of typeof names === 'string' ? [names] : names) {
      for (const s of this.#by.get(name) ?? []) {
        let ok = true;
        for (const k in labels)
          if (s.labels[k] !== labels[k]) {
            ok = false;
            break;
          }
        if (ok) total += s.value;
      }
    }
    return total;
  }
  all(name: string): MetricSample[] {
    return this.#by.get(name) ?? [];
  }
}

const ITEMS = ['spans', 'metric_points', 'log_records'];
const per = (prefix: string) => ITEMS.map((i) => `${prefix}_${i}_total`);
const ACCEPTED = per('otelcol_receiver_accepted');
const REFUSED = per('otelcol_receiver_refused');
const SENT = per('otelcol_exporter_sent');
const FAILED = per('otelcol_exporter_send_failed');
const ENQUEUE_FAILED = per('otelcol_exporter_enqueue_failed');
const DROPPED = 'genrf_collector_dropped_items_total';

/**
 * Health problems seen by the extension's own sampling: a component that turned unhealthy
 * with a message is a last error, at the time it was first seen.
 */
export class HealthHistory {
  readonly #seen = new Map<string, LastError>();
  observe(key: string, h: Health, now: number): void {
    // Not started and stopping are the lifecycle (the extension starts first and stops last), not errors.
    if (h.healthy || !h.message || h.message === 'not started' || h.message === 'stopping') return;
    const last = this.#seen.get(key);
    if (last?.message !== h.message) this.#seen.set(key, { message: h.message, time: now, level: 'error' });
  }
  get(key: string): LastError | undefined {
    return this.#seen.get(key);
  }
}

export function buildDocument(host: Host, metrics: SelfMetrics, history: HealthHistory, opts: { refreshMs: number; tap: boolean; reload: boolean }): StatusDocument {
  const now = Date.now();
  const sums = new Sums(metrics.snapshot());
  const health = new Map<string, Health>();
  for (const c of host.components()) {
    const h = c.health();
    health.set(c.id, h);
    history.observe(c.id, h, now);
  }
  const problems = host.problems?.() ?? new Map();
  const model = host.pipelineGraph?.();
  const nodes: NodeStatus[] = [];
  for (const n of model?.nodes.values() ?? []) {
    const hs = n.keys.map((k) => health.get(k)).filter((h): h is Health => h !== undefined);
    const unhealthy = hs.filter((h) => !h.healthy);
    let last: LastError | undefined;
    for (const k of n.keys) {
      const p = problems.get(k);
      const candidates = [history.get(k), p && { message: p.message, time: p.time, level: p.level }];
      for (const c of candidates) if (c && (!last || c.time > last.time)) last = c;
    }
    const status: NodeStatus = {
      id: n.id,
      kind: n.kind,
      label: n.label,
      signals: n.signals,
      ...(n.pipeline ? { pipeline: n.pipeline } : {}),
      health: {
        healthy: unhealthy.length === 0 && hs.length > 0,
        message:
          (unhealthy.length > 0 ? unhealthy : hs)
            .map((h) => h.message)
            .filter(Boolean)
            .join('; ') || (hs.length === 0 ? 'not running' : ''),
      },
      counters: counters(n, sums),
      ...(last ? { last_error: last } : {}),
    };
    if (n.kind === 'exporter') {
      status.queue = {
        size: sums.of('otelcol_exporter_queue_size', { exporter: n.label }),
        capacity: sums.of('otelcol_exporter_queue_capacity', { exporter: n.label }),
      };
    }
    nodes.push(status);
  }
  const drops = sums
    .all(DROPPED)
    .filter((s) => s.value > 0)
    .map((s) => ({
      component: s.labels.component,
      signal: s.labels.otel_signal,
      reason: s.labels.reason,
      items: s.value,
    }));
  const view = host.security?.();
  const guardDropped: Record<string, number> = {};
  for (const d of drops) if (d.reason === Reason.security_guard) guardDropped[d.component] = (guardDropped[d.component] ?? 0) + d.items;
  return {
    time: now,
    config_hash: host.configHash?.() ?? '',
    refresh_ms: opts.refreshMs,
    nodes,
    edges: model?.edges ?? [],
    pipelines: Object.fromEntries(model?.pipelines ?? []),
    drops,
    ...(view ? { security: { ...view, guard_dropped: guardDropped } } : {}),
    reloads: sums.all('genrf_collector_reloads_total').map((s) => ({ trigger: s.labels.trigger, result: s.labels.result, count: s.value })),
    tap_enabled: opts.tap,
    reload_enabled: opts.reload,
  };
}

function counters(n: ModelNode, sums: Sums): NodeStatus['counters'] {
  const dropped = sums.of(DROPPED, { component: `${n.kind}/${n.label}` });
  switch (n.kind) {
    case 'receiver':
      return { accepted: sums.of(ACCEPTED, { receiver: n.label }), refused: sums.of(REFUSED, { receiver: n.label }), dropped };
    case 'processor': {
      const labels = { processor: n.label, otel_signal: n.signals[0] };
      return { incoming: sums.of('otelcol_processor_incoming_items_total', labels), outgoing: sums.of('otelcol_processor_outgoing_items_total', labels), dropped };
    }
    case 'exporter':
      return {
        sent: sums.of(SENT, { exporter: n.label }),
        failed: sums.of(FAILED, { exporter: n.label }),
        enqueue_failed: sums.of(ENQUEUE_FAILED, { exporter: n.label }),
        dropped,
      };
    default:
      return { dropped };
  }
}

// The genRF metric contract: every metric a genRF worker sends, as an OpenTelemetry
// instrument, and the Prometheus series genrf-collector's prometheus exporter makes of it.
// docs/genrf-metrics.md is generated from this table (npm run metrics-doc), with the dashboard
// panels, alert rules and autoscaling rules that read each series found by scanning
// deploy/. examples/genrf/genrf/metrics.py implements it; test/services/genrf-pipeline.test.ts
// checks what the emulator sends against it, series by series.
import { Namer, type NameKind } from '../src/prom/naming.ts';

export type Instrument = 'Counter' | 'Histogram' | 'Gauge' | 'ObservableGauge';

export interface MetricSpec {
  /** OpenTelemetry instrument name. */
  name: string;
  instrument: Instrument;
  /** UCUM unit ('' = none). */
  unit: string;
  attributes: string[];
  /** Explicit bucket bounds (histograms); undefined = the SDK's defaults. */
  buckets?: number[];
  /** The guide's own metric (its Prometheus name), or one the dashboards need. */
  guide: boolean;
  description: string;
}

const GENERATION_BUCKETS = [1, 5, 10, 30, 60, 300, 900];

export const METRICS: MetricSpec[] = [
  // ---- the guide's metrics ("Key Metrics to Track") ----
  {
    name: 'genrf.circuits.generated',
    instrument: 'Counter',
    unit: '1',
    attributes: ['circuit_type', 'technology', 'status'],
    guide: true,
    description: 'Circuits generated; status is success or failed.',
  },
  {
    name: 'genrf.generation.duration',
    instrument: 'Histogram',
    unit: 's',
    attributes: ['circuit_type', 'optimization_steps'],
    buckets: GENERATION_BUCKETS,
    guide: true,
    description: 'Time spent generating a circuit (1 s to 15 min).',
  },
  {
    name: 'genrf.spice.simulations',
    instrument: 'Counter',
    unit: '1',
    attributes: ['engine', 'circuit_type', 'status'],
    guide: true,
    description: 'SPICE simulations run; status is converged or failed.',
  },
  {
    name: 'genrf.spice.convergence_failures',
    instrument: 'Counter',
    unit: '1',
    attributes: ['circuit_type', 'failure_type'],
    guide: true,
    description: 'SPICE convergence failures (each retry that did not converge).',
  },
  { name: 'genrf.gpu.memory', instrument: 'Gauge', unit: 'By', attributes: ['gpu_id'], guide: true, description: 'GPU memory in use.' },
  {
    name: 'genrf.model.inference',
    instrument: 'Histogram',
    unit: 's',
    attributes: ['model_type', 'batch_size'],
    guide: true,
    description: "Neural network inference time (the SDK's default buckets, as the guide's Histogram without buckets).",
  },
  {
    name: 'genrf.circuit.performance',
    instrument: 'Histogram',
    unit: '',
    attributes: ['metric_type', 'circuit_type', 'technology'],
    buckets: [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0],
    guide: true,
    description: 'Performance figures of generated circuits (gain_db, noise_figure_db, power_mw).',
  },
  { name: 'genrf.user.satisfaction_score', instrument: 'Histogram', unit: '1', attributes: ['feature'], buckets: [1, 2, 3, 4, 5], guide: true, description: 'User satisfaction ratings, 1 to 5.' },
  // ---- defined here for the dashboards' panels that no guide metric covers ----
  { name: 'genrf.users.active', instrument: 'ObservableGauge', unit: '{user}', attributes: [], guide: false, description: 'Users active in the last 5 minutes (Business: active users).' },
  { name: 'genrf.sessions.active', instrument: 'ObservableGauge', unit: '{session}', attributes: [], guide: false, description: 'Open user sessions (Business: sessions).' },
  {
    name: 'genrf.circuit.frequency',
    instrument: 'Histogram',
    unit: 'Hz',
    attributes: ['circuit_type', 'status'],
    buckets: [1e9, 2.4e9, 6e9, 12e9, 30e9, 60e9, 110e9],
    guide: false,
    description: 'Target frequency of the circuits requested, by band (Business: frequencies; Errors: failure patterns by frequency).',
  },
  {
    name: 'genrf.exports',
    instrument: 'Counter',
    unit: '{export}',
    attributes: ['format'],
    guide: false,
    description: 'Designs exported: spice, verilog_a, touchstone, gds, json (Business: export formats).',
  },
  { name: 'genrf.feature.usage', instrument: 'Counter', unit: '{use}', attributes: ['feature'], guide: false, description: 'Uses of a product feature (Business: feature adoption).' },
  {
    name: 'genrf.feature.active_users',
    instrument: 'ObservableGauge',
    unit: '{user}',
    attributes: ['feature'],
    guide: false,
    description: 'Users who used a feature in the last hour; divided by genrf.users.active: the adoption rate.',
  },
  {
    name: 'genrf.optimization.iterations',
    instrument: 'Histogram',
    unit: '{iteration}',
    attributes: ['circuit_type'],
    buckets: [10, 25, 50, 100, 250, 500, 1000],
    guide: false,
    description: 'Parameter optimization iterations per generation (Performance).',
  },
  {
    name: 'genrf.queue.depth',
    instrument: 'ObservableGauge',
    unit: '{request}',
    attributes: ['queue'],
    guide: false,
    description: 'Requests waiting: queue is generation, simulation or export (Performance: queue depths).',
  },
  {
    name: 'genrf.queue.wait_time',
    instrument: 'Histogram',
    unit: 's',
    attributes: ['queue'],
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300],
    guide: false,
    description: 'Time a request waited before processing (Performance: processing times).',
  },
  {
    name: 'genrf.generation.pending',
    instrument: 'ObservableGauge',
    unit: '{generation}',
    attributes: [],
    guide: false,
    description: "Generations accepted and not finished: the guide's HPA metric pending_generations (through prometheus-adapter).",
  },
  {
    name: 'genrf.errors',
    instrument: 'Counter',
    unit: '{error}',
    attributes: ['component', 'error_type'],
    guide: false,
    description: 'Errors by the component that raised them: spice, optimizer, model, ... (Errors: error rates by component).',
  },
  {
    name: 'genrf.recovery.duration',
    instrument: 'Histogram',
    unit: 's',
    attributes: ['component'],
    buckets: [1, 5, 10, 30, 60, 300, 900, 3600],
    guide: false,
    description: "Time from a component's failure to its next success (Errors: recovery time).",
  },
  { name: 'genrf.cpu.utilization', instrument: 'ObservableGauge', unit: '1', attributes: [], guide: false, description: 'CPU utilization of the worker, 0 to 1 (System Health: CPU).' },
  { name: 'genrf.gpu.utilization', instrument: 'ObservableGauge', unit: '1', attributes: ['gpu_id'], guide: false, description: 'GPU utilization, 0 to 1 (System Health: GPU).' },
  { name: 'genrf.process.memory', instrument: 'ObservableGauge', unit: 'By', attributes: [], guide: false, description: 'Resident memory of the worker process (System Health: memory usage trends).' },
];

const KIND: Record<Instrument, NameKind> = { Counter: 'counter', Histogram: 'other', Gauge: 'gauge', ObservableGauge: 'gauge' };
const namer = new Namer('', 'UnderscoreEscapingWithSuffixes');

/** The Prometheus family name the exporter gives the instrument (its default naming). */
export function prometheusName(m: MetricSpec): string {
  return namer.metric(m.name, m.unit, KIND[m.instrument]);
}

/** The sample names of the family: `_bucket`, `_sum`, `_count` for histograms. */
export function prometheusSeries(m: MetricSpec): string[] {
  const base = prometheusName(m);
  return m.instrument === 'Histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

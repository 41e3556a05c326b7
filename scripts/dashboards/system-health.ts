// The guide's System Health dashboard: generation rate, success rate, average generation time,
// SPICE simulation success rate, GPU/CPU utilization, memory usage trends; and the pipeline
// that carries the telemetry (genrf-collector's own metrics).
import { COLLECTOR_VARIABLE, dashboard, JOB_VARIABLE, prom, row, stat, timeseries } from './panels.ts';

const J = 'job=~"$job"';
const C = 'job=~"$collector"';
const circuits = (extra = '') => `genrf_circuits_generated_total{${J}${extra}}`;

export const systemHealth = dashboard({
  uid: 'genrf-system-health',
  title: 'genRF System Health',
  description: "Is genRF generating circuits, how well, and on what resources (the observability guide's System Health dashboard).",
  tags: ['system-health'],
  variables: [JOB_VARIABLE, COLLECTOR_VARIABLE],
  panels: [
    row('Generation'),
    stat({
      title: 'Circuit generation rate',
      unit: 'short',
      decimals: 0,
      description: 'Circuits per hour, all types (genrf_circuits_generated_total).',
      queries: [prom(`sum(rate(${circuits()}[$__rate_interval])) * 3600`, 'circuits/hour')],
    }),
    stat({
      title: 'Success rate',
      unit: 'percentunit',
      decimals: 1,
      thresholds: { reverse: true, yellow: 0.9, green: 0.95 },
      description: 'Successful generations among all (status="success" / all).',
      queries: [prom(`sum(rate(${circuits(',status="success"')}[$__rate_interval])) / sum(rate(${circuits()}[$__rate_interval]))`, 'success rate')],
    }),
    stat({
      title: 'Average generation time',
      unit: 's',
      decimals: 1,
      thresholds: { yellow: 120, red: 300 },
      description: 'Mean of genrf_generation_duration_seconds (sum / count).',
      queries: [prom(`sum(rate(genrf_generation_duration_seconds_sum{${J}}[$__rate_interval])) / sum(rate(genrf_generation_duration_seconds_count{${J}}[$__rate_interval]))`, 'mean')],
    }),
    stat({
      title: 'SPICE simulation success rate',
      unit: 'percentunit',
      decimals: 1,
      thresholds: { reverse: true, yellow: 0.95, green: 0.99 },
      description: 'Converged SPICE simulations among all (genrf_spice_simulations_total).',
      queries: [prom(`sum(rate(genrf_spice_simulations_total{${J},status="converged"}[$__rate_interval])) / sum(rate(genrf_spice_simulations_total{${J}}[$__rate_interval]))`, 'converged')],
    }),
    timeseries({
      title: 'Circuit generation rate by status',
      unit: 'short',
      stack: true,
      description: 'Circuits per hour, successful and failed.',
      queries: [prom(`sum by (status) (rate(${circuits()}[$__rate_interval])) * 3600`, '{{status}}')],
    }),
    timeseries({
      title: 'Circuit generation rate by type',
      unit: 'short',
      stack: true,
      description: 'Circuits per hour by circuit_type.',
      queries: [prom(`sum by (circuit_type) (rate(${circuits()}[$__rate_interval])) * 3600`, '{{circuit_type}}')],
    }),
    row('Resources'),
    timeseries({
      title: 'GPU / CPU utilization',
      unit: 'percentunit',
      min: 0,
      max: 1,
      description: 'genrf_gpu_utilization_ratio per GPU and genrf_cpu_utilization_ratio per worker.',
      queries: [
        prom(`avg by (instance, gpu_id) (genrf_gpu_utilization_ratio{${J}})`, '{{instance}} GPU {{gpu_id}}'),
        prom(`avg by (instance) (genrf_cpu_utilization_ratio{${J}})`, '{{instance}} CPU'),
      ],
    }),
    timeseries({
      title: 'Memory usage',
      unit: 'bytes',
      min: 0,
      description: 'GPU memory (genrf_gpu_memory_bytes; HighGPUMemoryUsage above 90% of 8 GiB) and worker resident memory.',
      queries: [prom(`sum by (instance, gpu_id) (genrf_gpu_memory_bytes{${J}})`, '{{instance}} GPU {{gpu_id}}'), prom(`sum by (instance) (genrf_process_memory_bytes{${J}})`, '{{instance}} RSS')],
    }),
    row('Telemetry pipeline (genrf-collector)'),
    timeseries({
      title: 'Telemetry accepted by the collector',
      unit: 'short',
      w: 8,
      description: "Spans, metric points and log records per second accepted by genrf-collector's receivers.",
      // One query per signal: rate() drops the metric name, so the three counters of one
      // receiver would collide in a single {__name__=~...} query.
      queries: (['spans', 'metric_points', 'log_records'] as const).map((signal) =>
        prom(`sum by (receiver, transport) (rate(otelcol_receiver_accepted_${signal}_total{${C}}[$__rate_interval]))`, `${signal} {{receiver}} {{transport}}`),
      ),
    }),
    timeseries({
      title: 'Exporter queue fill',
      unit: 'percentunit',
      min: 0,
      max: 1,
      w: 8,
      description: 'Queue size / capacity per exporter (CollectorQueueAlmostFull above 80%; the collector HPA scales on it).',
      queries: [prom(`max by (exporter) (otelcol_exporter_queue_size{${C}} / otelcol_exporter_queue_capacity{${C}} and otelcol_exporter_queue_capacity{${C}} > 0)`, '{{exporter}}')],
    }),
    stat({
      title: 'Telemetry dropped (last hour)',
      unit: 'short',
      w: 8,
      h: 8,
      thresholds: { yellow: 1, red: 100 },
      description: 'Items genrf-collector dropped, with a reason (genrf_collector_dropped_items_total); 0 when none.',
      queries: [prom(`sum(increase(genrf_collector_dropped_items_total{${C}}[1h])) or vector(0)`, 'dropped')],
    }),
  ],
});

// The guide's Performance dashboard: generation time percentiles, model inference latency,
// SPICE convergence by circuit type, optimization iterations, queue depths and times.
import { bargauge, dashboard, heatmap, JOB_VARIABLE, jaegerSearch, prom, row, SERVICE_VARIABLE, table, timeseries } from './panels.ts';

const J = 'job=~"$job"';
const quantile = (q: number, metric: string, by = '') => `histogram_quantile(${q}, sum by (le${by}) (rate(${metric}{${J}}[$__rate_interval])))`;

export const performance = dashboard({
  uid: 'genrf-performance',
  title: 'genRF Performance',
  description: "How long generation takes and where the time goes (the observability guide's Performance dashboard).",
  tags: ['performance'],
  variables: [JOB_VARIABLE, SERVICE_VARIABLE],
  panels: [
    row('Generation time'),
    timeseries({
      title: 'Generation time percentiles (P50, P95, P99)',
      unit: 's',
      description: "From genrf_generation_duration_seconds (the guide's buckets, 1 s to 15 min). SlowGenerationTime fires when P95 stays above 300 s.",
      queries: [
        prom(quantile(0.5, 'genrf_generation_duration_seconds_bucket'), 'P50'),
        prom(quantile(0.95, 'genrf_generation_duration_seconds_bucket'), 'P95'),
        prom(quantile(0.99, 'genrf_generation_duration_seconds_bucket'), 'P99'),
      ],
    }),
    heatmap({
      title: 'Generation time distribution',
      unit: 's',
      description: 'Generations per bucket of genrf_generation_duration_seconds over time.',
      queries: [prom(`sum by (le) (increase(genrf_generation_duration_seconds_bucket{${J}}[$__rate_interval]))`, '{{le}}', { format: 'heatmap' })],
    }),
    timeseries({
      title: 'P95 generation time by circuit type',
      unit: 's',
      description: 'histogram_quantile(0.95) per circuit_type.',
      queries: [prom(quantile(0.95, 'genrf_generation_duration_seconds_bucket', ', circuit_type'), '{{circuit_type}}')],
    }),
    timeseries({
      title: 'Model inference latency (P50, P95)',
      unit: 's',
      description: 'genrf_model_inference_seconds by model_type.',
      queries: [
        prom(quantile(0.5, 'genrf_model_inference_seconds_bucket', ', model_type'), 'P50 {{model_type}}'),
        prom(quantile(0.95, 'genrf_model_inference_seconds_bucket', ', model_type'), 'P95 {{model_type}}'),
      ],
    }),
    timeseries({
      title: 'Circuit performance (median by metric)',
      unit: 'none',
      w: 24,
      h: 7,
      description: 'Median performance figure of the generated circuits by metric_type and circuit_type (genrf_circuit_performance: gain_db, noise_figure_db, power_mw).',
      queries: [prom(`histogram_quantile(0.5, sum by (le, metric_type, circuit_type) (rate(genrf_circuit_performance_bucket{${J}}[$__rate_interval])))`, '{{metric_type}} {{circuit_type}}')],
    }),
    row('SPICE and optimization'),
    bargauge({
      title: 'SPICE convergence rate by circuit type',
      unit: 'percentunit',
      max: 1,
      w: 8,
      thresholds: { reverse: true, yellow: 0.9, green: 0.97 },
      description: "Converged simulations among all, over the dashboard's time range (genrf_spice_simulations_total).",
      queries: [
        prom(
          `sum by (circuit_type) (increase(genrf_spice_simulations_total{${J},status="converged"}[$__range])) / sum by (circuit_type) (increase(genrf_spice_simulations_total{${J}}[$__range]))`,
          '{{circuit_type}}',
          { instant: true },
        ),
      ],
    }),
    timeseries({
      title: 'SPICE convergence failures by type',
      unit: 'short',
      w: 8,
      description: 'Convergence failures per second (genrf_spice_convergence_failures_total); SPICESimulationFailures fires above 10/s.',
      queries: [prom(`sum by (failure_type) (rate(genrf_spice_convergence_failures_total{${J}}[$__rate_interval]))`, '{{failure_type}}')],
    }),
    timeseries({
      title: 'Optimization iterations',
      unit: 'short',
      w: 8,
      description: 'Mean parameter-optimization iterations per generation by circuit type, and P95 of all (genrf_optimization_iterations).',
      queries: [
        prom(
          `sum by (circuit_type) (rate(genrf_optimization_iterations_sum{${J}}[$__rate_interval])) / sum by (circuit_type) (rate(genrf_optimization_iterations_count{${J}}[$__rate_interval]))`,
          'mean {{circuit_type}}',
        ),
        prom(quantile(0.95, 'genrf_optimization_iterations_bucket'), 'P95 all'),
      ],
    }),
    row('Queues'),
    timeseries({
      title: 'Queue depths',
      unit: 'short',
      w: 8,
      description: "Requests waiting per queue (genrf_queue_depth) and generations in progress (genrf_generation_pending: the genrf-api HPA's pending_generations).",
      queries: [prom(`sum by (queue) (genrf_queue_depth{${J}})`, '{{queue}}'), prom(`sum(genrf_generation_pending{${J}})`, 'pending generations')],
    }),
    timeseries({
      title: 'Queue wait time (P50, P95)',
      unit: 's',
      w: 8,
      description: 'Time requests waited before processing (genrf_queue_wait_time_seconds).',
      queries: [prom(quantile(0.5, 'genrf_queue_wait_time_seconds_bucket', ', queue'), 'P50 {{queue}}'), prom(quantile(0.95, 'genrf_queue_wait_time_seconds_bucket', ', queue'), 'P95 {{queue}}')],
    }),
    table({
      title: 'Recent generations (Jaeger)',
      w: 8,
      description: 'The latest generate_circuit traces of $service: open one for its topology_generation, parameter_optimization and spice_validation spans.',
      queries: [jaegerSearch('generate_circuit', 20)],
    }),
  ],
});

// The guide's Error Analysis dashboard: error rates by component, top error messages, failure
// patterns by technology and frequency, recovery time, alert escalation status; with the
// error logs themselves from Elasticsearch.
import { bargauge, dashboard, DS, ENV_VARIABLE, esCountOverTime, esLogs, esTerms, JOB_VARIABLE, logs, prom, row, stat, table, timeseries } from './panels.ts';

const J = 'job=~"$job"';
const E = 'resource.deployment.environment:$env';
/** The rules of deploy/prometheus/genrf-alerts.yaml. */
const GENRF_ALERTS = 'CircuitGenerationDown|CircuitGenerationDownCorrected|HighErrorRate|HighErrorRateCorrected|SPICESimulationFailures|SlowGenerationTime|HighGPUMemoryUsage';

export const errors = dashboard({
  uid: 'genrf-errors',
  title: 'genRF Error Analysis',
  description: "What fails, where, for whom, and how fast it recovers (the observability guide's Error Analysis dashboard).",
  tags: ['errors'],
  variables: [JOB_VARIABLE, ENV_VARIABLE],
  panels: [
    row('Error rates'),
    stat({
      title: 'Generation failure ratio',
      unit: 'percentunit',
      decimals: 1,
      w: 6,
      h: 8,
      thresholds: { yellow: 0.05, red: 0.1 },
      description: 'Failed generations among all, over 5 minutes: the expression of HighErrorRateCorrected (critical above 10%).',
      queries: [prom(`sum(rate(genrf_circuits_generated_total{${J},status="failed"}[5m])) / sum(rate(genrf_circuits_generated_total{${J}}[5m]))`, 'failed')],
    }),
    timeseries({
      title: 'Error rates by component',
      unit: 'short',
      w: 9,
      stack: true,
      description: 'Errors per second by the component that raised them (genrf_errors_total).',
      queries: [prom(`sum by (component) (rate(genrf_errors_total{${J}}[$__rate_interval]))`, '{{component}}')],
    }),
    timeseries({
      title: 'Error logs by logger',
      unit: 'short',
      w: 9,
      stack: true,
      description: "ERROR log records per interval by logger (Elasticsearch, the guide's mapping).",
      queries: [esCountOverTime(`level:ERROR AND ${E}`, 'logger')],
    }),
    table({
      title: 'Top error messages',
      w: 12,
      description: 'The most frequent errors in the logs (attribute error of ERROR records).',
      queries: [esTerms(`level:ERROR AND ${E}`, ['attributes.error'], 10)],
    }),
    table({
      title: 'Failures by technology and circuit type',
      w: 12,
      description: "Failed generations in the logs (the guide's query circuit_type:LNA AND technology:tsmc65 AND level:ERROR, for every pair).",
      queries: [esTerms(`level:ERROR AND logger:genrf.generation AND ${E}`, ['technology', 'circuit_type'], 10)],
    }),
    row('Failure patterns'),
    timeseries({
      title: 'Failure ratio by technology',
      unit: 'percentunit',
      min: 0,
      max: 1,
      w: 8,
      description: 'Failed among all generations per technology.',
      queries: [
        prom(
          `sum by (technology) (rate(genrf_circuits_generated_total{${J},status="failed"}[$__rate_interval])) / sum by (technology) (rate(genrf_circuits_generated_total{${J}}[$__rate_interval]))`,
          '{{technology}}',
        ),
      ],
    }),
    bargauge({
      title: 'Failure ratio by frequency (up to each band)',
      unit: 'percentunit',
      max: 1,
      w: 8,
      description: 'Failed among all circuits requested up to each frequency bound (genrf_circuit_frequency_hertz by status).',
      queries: [
        prom(`sum by (le) (increase(genrf_circuit_frequency_hertz_bucket{${J},status="failed"}[$__range])) / sum by (le) (increase(genrf_circuit_frequency_hertz_bucket{${J}}[$__range]))`, '{{le}}', {
          instant: true,
        }),
      ],
    }),
    timeseries({
      title: 'Recovery time (P50, P95)',
      unit: 's',
      w: 8,
      description: "Time from a component's failure to its next successful generation (genrf_recovery_duration_seconds).",
      queries: [
        prom(`histogram_quantile(0.5, sum by (le, component) (rate(genrf_recovery_duration_seconds_bucket{${J}}[$__rate_interval])))`, 'P50 {{component}}'),
        prom(`histogram_quantile(0.95, sum by (le, component) (rate(genrf_recovery_duration_seconds_bucket{${J}}[$__rate_interval])))`, 'P95 {{component}}'),
      ],
    }),
    row('Alerts and logs'),
    table({
      title: 'Alert escalation status',
      w: 24,
      h: 7,
      description: 'The genRF alert rules that are pending or firing (Prometheus ALERTS). critical pages the on-call (PagerDuty), warning goes to Slack / e-mail.',
      queries: [prom(`max by (alertname, alertstate, severity) (ALERTS{alertname=~"${GENRF_ALERTS}"})`, '', { instant: true, format: 'table' })],
      transformations: [
        {
          id: 'organize',
          options: { excludeByName: { Time: true, Value: true }, indexByName: { alertname: 0, severity: 1, alertstate: 2 }, renameByName: { alertname: 'alert', alertstate: 'state' } },
        },
      ],
      overrides: [
        {
          matcher: { id: 'byName', options: 'severity' },
          properties: [
            {
              id: 'mappings',
              value: [
                {
                  type: 'value',
                  options: { critical: { text: 'critical: page the on-call (PagerDuty)', color: 'red', index: 0 }, warning: { text: 'warning: Slack / e-mail', color: 'orange', index: 1 } },
                },
              ],
            },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
          ],
        },
      ],
    }),
    logs({
      title: 'Recent errors',
      description: 'The latest ERROR records of the genRF loggers (Elasticsearch logs-genrf-default).',
      queries: [esLogs(`level:ERROR AND ${E}`)],
    }),
    logs({
      title: 'Security events (scrubbed)',
      h: 8,
      description: "The latest genrf.security* records, after the collector's redaction (Elasticsearch logs-genrf.security-default).",
      queries: [esLogs(E, DS.security, 50)],
    }),
  ],
});

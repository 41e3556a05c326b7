import { z } from 'zod';
import { duration, endpoint } from '../../config/schema-helpers.ts';
import { serverSecurityFields } from '../../net/tls-config.ts';

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const prometheusExporterConfig = z.strictObject({
  /** Default 127.0.0.1:8889: where Prometheus scrapes `GET /metrics`. */
  endpoint: endpoint('127.0.0.1:8889'),
  /** Default "": a prefix for every metric name, joined with "_" (`genrf` -> `genrf_<name>`). */
  namespace: z
    .string()
    .regex(/^([a-zA-Z_][a-zA-Z0-9_]*)?$/, 'namespace must be a Prometheus name: letters, digits and "_"')
    .default(''),
  /** Default {}: labels added to every series (not to target_info). */
  const_labels: z.record(z.string().regex(LABEL_NAME_RE, 'a label name: letters, digits and "_", not starting with a digit'), z.string()).default({}),
  /**
   * Default UnderscoreEscapingWithSuffixes: the specification's names (`http.server.duration`
   * in `s` -> `http_server_duration_seconds`). UnderscoreEscapingWithoutSuffixes: only the
   * characters change. NoUTF8EscapingWithSuffixes / NoTranslation: names as sent (with / without
   * unit and `_total` suffixes), written in the quoted UTF-8 form that Prometheus 3 reads.
   */
  translation_strategy: z.enum(['UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'NoUTF8EscapingWithSuffixes', 'NoTranslation']).default('UnderscoreEscapingWithSuffixes'),
  /** Default 5m: a series not updated for this long is removed. 0 = never. */
  metric_expiration: duration('5m'),
  /** Default 100000: series kept at most; points of new series beyond it are dropped (`series_limit`). */
  max_series: z.number().int().min(1).default(100_000),
  /** Default false: write each point's timestamp; Prometheus then uses it instead of the scrape time. */
  send_timestamps: z.boolean().default(false),
  /**
   * Default true: a scraper that asks for OpenMetrics (Accept header) gets OpenMetrics 1.0 with
   * exemplars (trace and span id). false: always the text format 0.0.4, without exemplars.
   */
  enable_open_metrics: z.boolean().default(true),
  /** Default enabled: false: resource attributes are labels of target_info only. true: of every series too. */
  resource_to_telemetry_conversion: z.strictObject({ enabled: z.boolean().default(false) }).default({ enabled: false }),
  /** Default none: resource attributes, by name, made labels of every series (e.g. [deployment.environment]). */
  resource_attributes_as_labels: z.array(z.string().min(1)).default([]),
  /**
   * Default 2: exponential histograms become classic `_bucket` series at this scale or lower
   * (2 = four buckets per doubling). Each bucket is a series: lower is cheaper and coarser.
   */
  exponential_histogram_max_scale: z.number().int().min(-10).max(20).default(2),
  /** Default false: no otel_scope_name / otel_scope_version labels. */
  without_scope_info: z.boolean().default(false),
  /** Default false: no target_info series. */
  without_target_info: z.boolean().default(false),
  ...serverSecurityFields(),
});

export type PrometheusExporterConfig = z.output<typeof prometheusExporterConfig>;

export const prometheusListeners = (c: PrometheusExporterConfig) => [{ path: [], endpoint: c.endpoint, tls: c.tls !== undefined, authenticator: c.auth?.authenticator }];

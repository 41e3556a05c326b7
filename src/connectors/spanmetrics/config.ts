import { z } from 'zod';
import { duration, parseDuration } from '../../config/schema-helpers.ts';

// Keys follow otelcol contrib's spanmetrics connector, so that its pipeline files read the
// same here. Differences are listed in README.md (unit default, the series limit).

/** The four dimensions every series has, unless listed in `exclude_dimensions`. */
export const DEFAULT_DIMENSIONS = ['service.name', 'span.name', 'span.kind', 'status.code'] as const;
export type DefaultDimension = (typeof DEFAULT_DIMENSIONS)[number];

// otelcol's default buckets, as durations.
const DEFAULT_BUCKETS = ['2ms', '4ms', '6ms', '8ms', '10ms', '50ms', '100ms', '200ms', '400ms', '800ms', '1s', '1400ms', '2s', '5s', '10s', '15s'];

/** A histogram bound: a duration string (`100us`, `2ms`, `1.5s`) or a number of milliseconds. Parsed to nanoseconds. */
const bucketBound = z.union([z.string(), z.number().positive()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a positive duration: use a number and a unit, e.g. 100us, 5ms, 1.5s` });
    return z.NEVER;
  }
  return Math.round(ms * 1e6);
});

const histogramSchema = z
  .strictObject({
    /** Default false. True: no duration histogram, only the calls counter. */
    disable: z.boolean().default(false),
    /** Default `s` (otelcol: `ms`): the unit of the duration histogram's values and bounds. */
    unit: z.enum(['ms', 's']).default('s'),
    explicit: z
      .strictObject({
        /** Default otelcol's 2ms … 15s: the bucket upper bounds, strictly increasing. */
        buckets: z.array(bucketBound).min(1, 'give at least one bucket bound').prefault(DEFAULT_BUCKETS),
      })
      .prefault({}),
    /** Not supported: exponential histograms. Kept as a key to say so clearly. */
    exponential: z.unknown().optional(),
  })
  .superRefine((h, ctx) => {
    if (h.exponential !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['exponential'], message: 'exponential histograms are not supported; remove `exponential` and use `explicit.buckets`' });
    }
    const b = h.explicit.buckets;
    for (let i = 1; i < b.length; i++) {
      if (b[i] <= b[i - 1]) {
        ctx.addIssue({ code: 'custom', path: ['explicit', 'buckets', i], message: 'bucket bounds must be strictly increasing' });
        break;
      }
    }
  })
  .prefault({});

const dimensionSchema = z.strictObject({
  /** A span attribute key, looked up on the span first, then on its resource. */
  name: z.string().min(1),
  /** Used when neither has the attribute; without it the dimension is left out of that series. */
  default: z.string().optional(),
});

export const spanMetricsConfig = z
  .strictObject({
    /** Default `traces.span.metrics`: prefix of the metric names (`<namespace>.calls`, `<namespace>.duration`). Empty: no prefix. */
    namespace: z.string().default('traces.span.metrics'),
    histogram: histogramSchema,
    /** Default []: dimensions added to the four defaults, from span (then resource) attributes. */
    dimensions: z.array(dimensionSchema).default([]),
    /** Default []: default dimensions to leave out (`service.name`, `span.name`, `span.kind`, `status.code`). */
    exclude_dimensions: z.array(z.enum(DEFAULT_DIMENSIONS)).default([]),
    /**
     * Default 1000: the most series (distinct dimension sets) kept. Spans of a new series
     * beyond it go to one overflow series (`otel.metric.overflow: true`) and are counted as
     * `series_limit` in genrf_collector_dropped_items_total.
     */
    dimensions_cache_size: z.number().int().min(1).default(1000),
    /** Default cumulative. Delta: every flush starts the counts again from zero. */
    aggregation_temporality: z.enum(['AGGREGATION_TEMPORALITY_CUMULATIVE', 'AGGREGATION_TEMPORALITY_DELTA']).default('AGGREGATION_TEMPORALITY_CUMULATIVE'),
    /** Default 15s: how often the metrics are emitted. */
    metrics_flush_interval: duration('15s'),
    /** Default 0 (never): a series without spans for this long is forgotten (cumulative only). */
    metrics_expiration: duration('0s'),
    /**
     * Default [] (all): the resource attributes that tell resources apart. Spans of resources
     * equal on these attributes share series; only these attributes are kept on the output.
     */
    resource_metrics_key_attributes: z.array(z.string().min(1)).default([]),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>(DEFAULT_DIMENSIONS);
    c.dimensions.forEach((d, i) => {
      if (seen.has(d.name)) {
        ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'name'], message: `duplicate dimension "${d.name}" (the defaults are ${DEFAULT_DIMENSIONS.join(', ')})` });
      }
      seen.add(d.name);
    });
    if (c.metrics_flush_interval <= 0) {
      ctx.addIssue({ code: 'custom', path: ['metrics_flush_interval'], message: 'must be more than 0, e.g. 15s' });
    }
  });

export type SpanMetricsConfig = z.output<typeof spanMetricsConfig>;

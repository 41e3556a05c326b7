import { AggregationTemporality, type HistogramDataPoint, type KeyValue, type Metric, type MetricsData, type NumberDataPoint, type ResourceMetrics } from '../../pdata/types.ts';
import type { Group, Series } from './aggregator.ts';
import { copyAnyValue } from './names.ts';

export const SCOPE_NAME = 'genrf-collector/spanmetrics';

export interface BuildOptions {
  /** `<namespace>.calls` and `<namespace>.duration`. */
  callsName: string;
  durationName: string;
  unit: 'ms' | 's';
  /** Bounds in `unit`. */
  bounds: readonly number[];
  histogram: boolean;
  delta: boolean;
  /** The data points' time. */
  now: bigint;
  /** Delta only: the previous flush. */
  deltaStart: bigint;
}

const NS_PER: Record<'ms' | 's', number> = { ms: 1e6, s: 1e9 };

/**
 * The OTLP metrics of every series. Everything is built fresh: the batch goes to pipelines
 * whose processors may change it, and the accumulators must not change with it.
 */
export function buildMetrics(groups: Iterable<Group>, overflow: Series | undefined, opts: BuildOptions): { data: MetricsData; points: number } {
  const resourceMetrics: ResourceMetrics[] = [];
  let points = 0;
  for (const g of groups) {
    if (g.series.length === 0) continue;
    resourceMetrics.push(resourceOf(g.resource, g.series, opts));
    points += g.series.length * (opts.histogram ? 2 : 1);
  }
  if (overflow !== undefined) {
    resourceMetrics.push(resourceOf([], [overflow], opts));
    points += opts.histogram ? 2 : 1;
  }
  return { data: { resourceMetrics }, points };
}

function resourceOf(resource: KeyValue[], series: readonly Series[], opts: BuildOptions): ResourceMetrics {
  const temporality = opts.delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  const calls: NumberDataPoint[] = [];
  const durations: HistogramDataPoint[] = [];
  const divisor = NS_PER[opts.unit];
  for (const s of series) {
    const start = opts.delta ? opts.deltaStart : s.startTimeUnixNano;
    calls.push({ attributes: copyAttributes(s.attributes), startTimeUnixNano: start, timeUnixNano: opts.now, asInt: BigInt(s.calls), exemplars: [], flags: 0 });
    if (opts.histogram) {
      durations.push({
        attributes: copyAttributes(s.attributes),
        startTimeUnixNano: start,
        timeUnixNano: opts.now,
        count: s.calls,
        sum: s.sumNs / divisor,
        bucketCounts: s.buckets.slice(),
        explicitBounds: opts.bounds.slice(),
        exemplars: [],
        flags: 0,
        min: undefined,
        max: undefined,
      });
    }
  }
  const metrics: Metric[] = [
    { name: opts.callsName, description: 'Spans seen, by dimension set', unit: '', metadata: [], sum: { dataPoints: calls, aggregationTemporality: temporality, isMonotonic: true } },
  ];
  if (opts.histogram) {
    metrics.push({
      name: opts.durationName,
      description: 'Span durations, by dimension set',
      unit: opts.unit,
      metadata: [],
      histogram: { dataPoints: durations, aggregationTemporality: temporality },
    });
  }
  return {
    resource: { attributes: copyAttributes(resource), droppedAttributesCount: 0 },
    scopeMetrics: [{ scope: { name: SCOPE_NAME, version: '', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' }],
    schemaUrl: '',
  };
}

function copyAttributes(attrs: readonly KeyValue[]): KeyValue[] {
  return attrs.map((kv) => ({ key: kv.key, value: copyAnyValue(kv.value) }));
}

// Hand-built OTLP metrics, for what an SDK will not send (bad values, conflicts, summaries).
import type { Exemplar, HistogramDataPoint, KeyValue, Metric, MetricsData, NumberDataPoint } from '../../../../src/pdata/types.ts';

export interface Pt {
  value: number;
  attrs?: Record<string, string>;
  start?: bigint;
  time?: bigint;
  exemplars?: Exemplar[];
  flags?: number;
}

export function kv(attrs: Record<string, string> = {}): KeyValue[] {
  return Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));
}

let clock = 1_700_000_000_000_000_000n;
function point(p: Pt): NumberDataPoint {
  clock += 1_000_000_000n;
  return { attributes: kv(p.attrs), startTimeUnixNano: p.start ?? 1_600_000_000_000_000_000n, timeUnixNano: p.time ?? clock, asDouble: p.value, exemplars: p.exemplars ?? [], flags: p.flags ?? 0 };
}

function base(name: string, unit: string, description = ''): Omit<Metric, 'gauge'> {
  return { name, description, unit, metadata: [] };
}

export function sum(name: string, unit: string, points: Pt[], opts: { monotonic?: boolean; delta?: boolean; description?: string } = {}): Metric {
  return { ...base(name, unit, opts.description), sum: { dataPoints: points.map(point), aggregationTemporality: opts.delta ? 1 : 2, isMonotonic: opts.monotonic ?? true } };
}

export function gauge(name: string, unit: string, points: Pt[], description = ''): Metric {
  return { ...base(name, unit, description), gauge: { dataPoints: points.map(point) } };
}

export function histogram(name: string, unit: string, points: Array<Partial<HistogramDataPoint>>, delta = false): Metric {
  const dataPoints = points.map((p) => {
    clock += 1_000_000_000n;
    return { attributes: [], startTimeUnixNano: 1_600_000_000_000_000_000n, timeUnixNano: clock, count: 0, bucketCounts: [], explicitBounds: [], exemplars: [], flags: 0, ...p };
  });
  return { ...base(name, unit), histogram: { dataPoints, aggregationTemporality: delta ? 1 : 2 } };
}

export function metrics(list: Metric[], resource: Record<string, string> = {}): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: { attributes: kv(resource), droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'genrf.test', version: '', attributes: [], droppedAttributesCount: 0 }, metrics: list, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

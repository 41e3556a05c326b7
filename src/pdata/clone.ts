// Deep copies. The per-message copies are generated (generated/clone.ts); this module names
// the ones the rest of the daemon uses.
import type { LogsData, Metric, MetricsData, Signal, SignalData, TracesData } from './types.ts';
import { cloneKeyValue, cloneLogsData, cloneMetricsData, cloneTracesData } from './generated/clone.ts';

export { cloneAnyValue, cloneInstrumentationScope as cloneScope, cloneMetric, cloneResource, cloneSpan } from './generated/clone.ts';

/** A deep copy. */
export function cloneData<S extends Signal>(signal: S, data: SignalData[S]): SignalData[S] {
  if (signal === 'traces') return cloneTracesData(data as TracesData) as SignalData[S];
  if (signal === 'logs') return cloneLogsData(data as LogsData) as SignalData[S];
  return cloneMetricsData(data as MetricsData) as SignalData[S];
}

export function cloneAttributes(kvs: Metric['metadata']): Metric['metadata'] {
  const out: Metric['metadata'] = new Array(kvs.length);
  for (let i = 0; i < kvs.length; i++) out[i] = cloneKeyValue(kvs[i]);
  return out;
}

/** A copy of a metric's header (name, unit, metadata...) with no data member set. */
export function cloneMetricHeader(m: Metric): Metric {
  return {
    name: m.name,
    description: m.description,
    unit: m.unit,
    gauge: undefined,
    sum: undefined,
    histogram: undefined,
    exponentialHistogram: undefined,
    summary: undefined,
    metadata: cloneAttributes(m.metadata),
  };
}

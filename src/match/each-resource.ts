import type { LogsData, MetricsData, Resource, Signal, SignalData, TracesData } from '../pdata/types.ts';

/**
 * Calls `apply` on every resource of a batch's data, never on what is below it: the resource
 * and resourcedetection processors change a resource once for all of its records. `apply` is
 * made once, when the processor is built, not per batch.
 */
export function forEachResource(signal: Signal, data: SignalData[Signal], apply: (resource: Resource) => void): void {
  if (signal === 'traces') for (const r of (data as TracesData).resourceSpans) apply(r.resource);
  else if (signal === 'logs') for (const r of (data as LogsData).resourceLogs) apply(r.resource);
  else for (const r of (data as MetricsData).resourceMetrics) apply(r.resource);
}

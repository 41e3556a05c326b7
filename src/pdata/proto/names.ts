import type { Signal } from '../types.ts';

/** Message and field names used in error paths, per signal. */
export const REQUEST_NAMES: Record<Signal, { request: string; response: string; resource: string }> = {
  traces: { request: 'ExportTraceServiceRequest', response: 'ExportTraceServiceResponse', resource: 'resource_spans' },
  metrics: { request: 'ExportMetricsServiceRequest', response: 'ExportMetricsServiceResponse', resource: 'resource_metrics' },
  logs: { request: 'ExportLogsServiceRequest', response: 'ExportLogsServiceResponse', resource: 'resource_logs' },
};

import type { LogsData, MetricsData, Resource, ResourceSpans, Signal, SignalData, TracesData } from '../pdata/types.ts';

// How the exporter picks message keys, so that order holds where it matters: a trace's
// spans share a key (the trace id), and so do a service's logs and metrics (its
// `service.name`). Kafka keeps order within a partition, and one key maps to one partition.
// A batch with a single key, the common case, is not copied.

export interface KeyedGroup<S extends Signal> {
  key: string;
  data: SignalData[S];
  /** True when `data` is the whole batch (its cached protobuf bytes can be sent as they are). */
  whole: boolean;
}

function serviceName(resource: Resource): string {
  for (const kv of resource.attributes) if (kv.key === 'service.name') return kv.value.stringValue ?? '';
  return '';
}

function byService<S extends 'logs' | 'metrics'>(signal: S, data: SignalData[S]): KeyedGroup<S>[] {
  const list = signal === 'logs' ? (data as LogsData).resourceLogs : (data as MetricsData).resourceMetrics;
  if (list.length <= 1) return [{ key: list.length === 1 ? serviceName(list[0].resource) : '', data, whole: true }];
  const groups = new Map<string, typeof list>();
  for (const r of list) {
    const key = serviceName(r.resource);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r] as typeof list);
    else (g as unknown[]).push(r);
  }
  if (groups.size === 1) return [{ key: groups.keys().next().value!, data, whole: true }];
  const out: KeyedGroup<S>[] = [];
  for (const [key, rs] of groups) {
    const part = (signal === 'logs' ? { resourceLogs: rs } : { resourceMetrics: rs }) as SignalData[S];
    out.push({ key, data: part, whole: false });
  }
  return out;
}

function byTraceId(data: TracesData): KeyedGroup<'traces'>[] {
  // First pass: is there more than one trace id? Most batches from one request hold few.
  let first: string | undefined;
  let many = false;
  outer: for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        if (first === undefined) first = s.traceId;
        else if (s.traceId !== first) {
          many = true;
          break outer;
        }
      }
    }
  }
  if (!many) return [{ key: first ?? '', data, whole: true }];
  const traces = new Map<string, ResourceSpans[]>();
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        let list = traces.get(span.traceId);
        if (list === undefined) traces.set(span.traceId, (list = []));
        // Reuse the trace's copy of this resource/scope when the previous span had the same.
        let r = list[list.length - 1];
        if (r === undefined || r.resource !== rs.resource) {
          r = { resource: rs.resource, scopeSpans: [], schemaUrl: rs.schemaUrl };
          list.push(r);
        }
        let s = r.scopeSpans[r.scopeSpans.length - 1];
        if (s === undefined || s.scope !== ss.scope) {
          s = { scope: ss.scope, spans: [], schemaUrl: ss.schemaUrl };
          r.scopeSpans.push(s);
        }
        s.spans.push(span);
      }
    }
  }
  const out: KeyedGroup<'traces'>[] = [];
  for (const [key, resourceSpans] of traces) out.push({ key, data: { resourceSpans }, whole: false });
  return out;
}

/** The batch split by message key: trace id for traces, service name for logs and metrics. */
export function groupByKey<S extends Signal>(signal: S, data: SignalData[S]): KeyedGroup<S>[] {
  if (signal === 'traces') return byTraceId(data as TracesData) as KeyedGroup<S>[];
  return byService(signal as 'logs' | 'metrics', data as SignalData['logs' | 'metrics']) as KeyedGroup<S>[];
}

// Records as pipeline tests see them: one flat map of fields per span, log record or metric
// data point, so that a test names what it checks as `resource.deployment.environment`,
// `scope.name`, `attributes.user.email`, `body` without knowing OTLP's nesting.
import type { AnyValue, KeyValue, LogsData, Metric, MetricsData, Resource, Signal, SignalData, TracesData } from '../pdata/types.ts';

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };
export type Fields = Map<string, Value>;

export interface FlatRecord {
  signal: Signal;
  fields: Fields;
}

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

export function plain(v: AnyValue | undefined): Value {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : v.intValue.toString();
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return v.arrayValue.values.map(plain);
  if (v.kvlistValue !== undefined) return Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, plain(kv.value)]));
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

function put(fields: Fields, prefix: string, attrs: KeyValue[]): void {
  for (const kv of attrs) fields.set(`${prefix}${kv.key}`, plain(kv.value));
}

function base(resource: Resource, scope: { name: string; version: string }): Fields {
  const f: Fields = new Map();
  put(f, 'resource.', resource.attributes);
  f.set('scope.name', scope.name);
  if (scope.version !== '') f.set('scope.version', scope.version);
  return f;
}

export function flatten<S extends Signal>(signal: S, data: SignalData[S]): FlatRecord[] {
  const out: FlatRecord[] = [];
  if (signal === 'logs') {
    for (const rl of (data as LogsData).resourceLogs) {
      for (const sl of rl.scopeLogs) {
        for (const r of sl.logRecords) {
          const f = base(rl.resource, sl.scope);
          f.set('body', plain(r.body));
          if (r.severityText !== '') f.set('severity_text', r.severityText);
          f.set('severity_number', r.severityNumber);
          if (r.eventName !== '') f.set('event_name', r.eventName);
          if (r.traceId !== '') f.set('trace_id', r.traceId);
          if (r.spanId !== '') f.set('span_id', r.spanId);
          put(f, 'attributes.', r.attributes);
          out.push({ signal, fields: f });
        }
      }
    }
  } else if (signal === 'traces') {
    for (const rs of (data as TracesData).resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const f = base(rs.resource, ss.scope);
          f.set('name', s.name);
          f.set('kind', SPAN_KINDS[s.kind] ?? s.kind);
          f.set('trace_id', s.traceId);
          f.set('span_id', s.spanId);
          if (s.parentSpanId !== '') f.set('parent_span_id', s.parentSpanId);
          f.set('status.code', STATUS[s.status.code] ?? s.status.code);
          if (s.status.message !== '') f.set('status.message', s.status.message);
          f.set('duration_ms', Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6);
          put(f, 'attributes.', s.attributes);
          out.push({ signal, fields: f });
        }
      }
    }
  } else {
    for (const rm of (data as MetricsData).resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) for (const f of points(m)) out.push({ signal, fields: mergeFields(base(rm.resource, sm.scope), f) });
      }
    }
  }
  return out;
}

function mergeFields(a: Fields, b: Fields): Fields {
  for (const [k, v] of b) a.set(k, v);
  return a;
}

/** One field map per data point: the metric's name, type and unit, the point's value and attributes. */
function points(m: Metric): Fields[] {
  const head = (type: string): Fields => {
    const f: Fields = new Map([
      ['name', m.name],
      ['type', type],
    ]);
    if (m.unit !== '') f.set('unit', m.unit);
    if (m.description !== '') f.set('description', m.description);
    return f;
  };
  const out: Fields[] = [];
  const number = (type: string, dps: NonNullable<Metric['gauge']>['dataPoints']) => {
    for (const p of dps) {
      const f = head(type);
      f.set('value', p.asDouble ?? (p.asInt !== undefined ? Number(p.asInt) : null));
      put(f, 'attributes.', p.attributes);
      out.push(f);
    }
  };
  if (m.gauge) number('gauge', m.gauge.dataPoints);
  else if (m.sum) number('sum', m.sum.dataPoints);
  else {
    const body = m.histogram ?? m.exponentialHistogram ?? m.summary;
    const type = m.histogram ? 'histogram' : m.exponentialHistogram ? 'exponential_histogram' : 'summary';
    for (const p of body?.dataPoints ?? []) {
      const f = head(type);
      f.set('count', p.count);
      if (p.sum !== undefined) f.set('sum', p.sum);
      put(f, 'attributes.', p.attributes);
      out.push(f);
    }
  }
  return out;
}

import type { AnyValue, KeyValue, LogsData, Metric, MetricsData, Resource, Signal, SignalData, TracesData } from '../../pdata/types.ts';

// Human-readable renderings of a batch for the debug exporter. This output is for a person
// reading stderr; it is not a format to parse.

export type Verbosity = 'basic' | 'normal' | 'detailed';

export function formatBatch(signal: Signal, data: SignalData[Signal], items: number, verbosity: Verbosity, id: string): string {
  const head = summary(signal, data, items, id);
  if (verbosity === 'basic') return head + '\n';
  const out: string[] = [head];
  if (signal === 'traces') traces(data as TracesData, verbosity, out);
  else if (signal === 'logs') logs(data as LogsData, verbosity, out);
  else metrics(data as MetricsData, verbosity, out);
  return out.join('\n') + '\n';
}

function summary(signal: Signal, data: SignalData[Signal], items: number, id: string): string {
  const what = signal === 'traces' ? ['resource spans', 'spans'] : signal === 'logs' ? ['resource logs', 'log records'] : ['resource metrics', 'data points'];
  const resources = signal === 'traces' ? (data as TracesData).resourceSpans.length : signal === 'logs' ? (data as LogsData).resourceLogs.length : (data as MetricsData).resourceMetrics.length;
  return `${id} ${signal}: ${resources} ${what[0]}, ${items} ${what[1]}`;
}

export function anyValue(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return v.intValue.toString();
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.arrayValue !== undefined) return `[${v.arrayValue.values.map(anyValue).join(', ')}]`;
  if (v.kvlistValue !== undefined) return `{${attrs(v.kvlistValue.values)}}`;
  if (v.bytesValue !== undefined) return `0x${Buffer.from(v.bytesValue).toString('hex')}`;
  return '';
}

function attrs(list: KeyValue[]): string {
  return list.map((kv) => `${kv.key}=${anyValue(kv.value)}`).join(' ');
}

function time(ns: bigint): string {
  return ns === 0n ? '-' : new Date(Number(ns / 1_000_000n)).toISOString();
}

function resourceLine(i: number, r: Resource, schemaUrl: string): string {
  return `  resource #${i}: ${attrs(r.attributes)}${schemaUrl ? ` schema_url=${schemaUrl}` : ''}${r.droppedAttributesCount ? ` dropped_attributes=${r.droppedAttributesCount}` : ''}`;
}

/** Every field of a record, one per line, in the detailed view. */
function fields(obj: object, indent: string, out: string[]): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (k === 'attributes' || k === 'filteredAttributes' || k === 'metadata') {
      out.push(`${indent}${k}:`);
      for (const kv of v as KeyValue[]) out.push(`${indent}  ${kv.key}: ${anyValue(kv.value)}`);
    } else if (k === 'body') {
      out.push(`${indent}body: ${anyValue(v as AnyValue)}`);
    } else if (k.endsWith('UnixNano')) {
      out.push(`${indent}${k}: ${time(v as bigint)} (${(v as bigint).toString()})`);
    } else if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object') {
      v.forEach((item, j) => {
        out.push(`${indent}${k} #${j}:`);
        fields(item, indent + '  ', out);
      });
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.push(`${indent}${k}:`);
      fields(v, indent + '  ', out);
    } else {
      out.push(`${indent}${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'bigint' ? v.toString() : String(v)}`);
    }
  }
}

function scopeLine(scope: { name: string; version: string }): string {
  return `    scope ${scope.name || '(unnamed)'}${scope.version ? `@${scope.version}` : ''}`;
}

function traces(data: TracesData, verbosity: Verbosity, out: string[]): void {
  data.resourceSpans.forEach((rs, i) => {
    out.push(resourceLine(i, rs.resource, rs.schemaUrl));
    for (const ss of rs.scopeSpans) {
      out.push(scopeLine(ss.scope));
      for (const span of ss.spans) {
        if (verbosity === 'detailed') {
          out.push(`      span ${span.name}`);
          fields(span, '        ', out);
          continue;
        }
        const ms = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
        out.push(`      ${span.traceId} ${span.spanId} ${span.name} ${ms}ms status=${span.status.code} ${attrs(span.attributes)}`);
      }
    }
  });
}

function logs(data: LogsData, verbosity: Verbosity, out: string[]): void {
  data.resourceLogs.forEach((rl, i) => {
    out.push(resourceLine(i, rl.resource, rl.schemaUrl));
    for (const sl of rl.scopeLogs) {
      out.push(scopeLine(sl.scope));
      for (const rec of sl.logRecords) {
        if (verbosity === 'detailed') {
          out.push('      log record');
          fields(rec, '        ', out);
          continue;
        }
        const sev = rec.severityText || (rec.severityNumber ? `SEV${rec.severityNumber}` : '-');
        out.push(`      ${time(rec.timeUnixNano || rec.observedTimeUnixNano)} ${sev} ${anyValue(rec.body)} ${attrs(rec.attributes)}`.trimEnd());
      }
    }
  });
}

function metrics(data: MetricsData, verbosity: Verbosity, out: string[]): void {
  data.resourceMetrics.forEach((rm, i) => {
    out.push(resourceLine(i, rm.resource, rm.schemaUrl));
    for (const sm of rm.scopeMetrics) {
      out.push(scopeLine(sm.scope));
      for (const m of sm.metrics) {
        if (verbosity === 'detailed') {
          out.push(`      metric ${m.name}`);
          fields(m, '        ', out);
          continue;
        }
        metricLines(m, out);
      }
    }
  });
}

function metricLines(m: Metric, out: string[]): void {
  const unit = m.unit ? ` ${m.unit}` : '';
  const points = m.gauge?.dataPoints ?? m.sum?.dataPoints;
  if (points !== undefined) {
    const kind = m.gauge ? 'gauge' : 'sum';
    for (const p of points) out.push(`      ${m.name}{${attrs(p.attributes)}} ${kind} ${p.asInt !== undefined ? p.asInt.toString() : p.asDouble}${unit}`);
    return;
  }
  for (const p of m.histogram?.dataPoints ?? []) out.push(`      ${m.name}{${attrs(p.attributes)}} histogram count=${p.count} sum=${p.sum ?? '-'}${unit}`);
  for (const p of m.exponentialHistogram?.dataPoints ?? []) out.push(`      ${m.name}{${attrs(p.attributes)}} exponential_histogram count=${p.count} sum=${p.sum ?? '-'} scale=${p.scale}${unit}`);
  for (const p of m.summary?.dataPoints ?? []) out.push(`      ${m.name}{${attrs(p.attributes)}} summary count=${p.count} sum=${p.sum}${unit}`);
}

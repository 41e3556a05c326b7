// Span fixtures for the spanmetrics tests: the guide's generate_circuit trace shape.
import type { KeyValue, Span, TracesData } from '../../../../src/pdata/types.ts';

const T0 = 1_764_000_000_000_000_000n;
let seq = 0;

export function attr(key: string, v: string | number | boolean | bigint): KeyValue {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  if (typeof v === 'bigint') return { key, value: { intValue: v } };
  return { key, value: { doubleValue: v } };
}

export function span(name: string, durationMs: number, opts: { attrs?: KeyValue[]; kind?: number; status?: number } = {}): Span {
  seq++;
  const start = T0 + BigInt(seq) * 1_000_000_000n;
  return {
    traceId: seq.toString(16).padStart(32, '0'),
    spanId: seq.toString(16).padStart(16, '0'),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name,
    kind: opts.kind ?? 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round(durationMs * 1e6)),
    attributes: opts.attrs ?? [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: opts.status ?? 0 },
  };
}

export function traces(spans: Span[], resource: KeyValue[] = [attr('service.name', 'genrf-worker')]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'genrf.generator', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

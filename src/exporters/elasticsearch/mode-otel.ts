import type { InstrumentationScope, LogRecord, Resource, Span } from '../../pdata/types.ts';
import type { Context, Mode } from './mode.ts';
import { anyValueToJson, attributesToObject, logTime, nanosToIso, intToJson, SPAN_KINDS, STATUS_CODES } from './values.ts';

// `mapping.mode: otel` and `raw`, after the contrib exporter's modes of the same names.
// otel: the OpenTelemetry data model with snake_case names; attributes, resource and scope
// each under their own object. raw: OTLP's names in PascalCase, attributes at the top level.

const OTEL_KEYS: ReadonlySet<string> = new Set(['resource', 'scope']);

function otelContext(resource: Resource, scope: InstrumentationScope): Context {
  const res = { attributes: attributesToObject(resource.attributes), dropped_attributes_count: resource.droppedAttributesCount };
  const sc = { name: scope.name, version: scope.version, attributes: attributesToObject(scope.attributes) };
  return { json: `,"resource":${JSON.stringify(res)},"scope":${JSON.stringify(sc)}`, keys: OTEL_KEYS };
}

export const otelMode: Mode = {
  context: otelContext,

  log(r: LogRecord): Record<string, unknown> {
    const body = r.body === undefined ? undefined : r.body.stringValue !== undefined ? { text: r.body.stringValue } : { structured: anyValueToJson(r.body) };
    return {
      '@timestamp': nanosToIso(logTime(r.timeUnixNano, r.observedTimeUnixNano)),
      observed_timestamp: r.observedTimeUnixNano === 0n ? undefined : nanosToIso(r.observedTimeUnixNano),
      severity_number: r.severityNumber || undefined,
      severity_text: r.severityText || undefined,
      body,
      attributes: attributesToObject(r.attributes),
      dropped_attributes_count: r.droppedAttributesCount,
      trace_id: r.traceId || undefined,
      span_id: r.spanId || undefined,
      event_name: r.eventName || undefined,
    };
  },

  span(s: Span): Record<string, unknown> {
    return {
      '@timestamp': nanosToIso(s.startTimeUnixNano),
      trace_id: s.traceId,
      span_id: s.spanId,
      trace_state: s.traceState || undefined,
      parent_span_id: s.parentSpanId || undefined,
      name: s.name,
      kind: SPAN_KINDS[s.kind] ?? String(s.kind),
      duration: intToJson(s.endTimeUnixNano - s.startTimeUnixNano), // nanoseconds
      attributes: attributesToObject(s.attributes),
      dropped_attributes_count: s.droppedAttributesCount,
      status: { code: STATUS_CODES[s.status.code] ?? String(s.status.code), message: s.status.message || undefined },
      events:
        s.events.length === 0
          ? undefined
          : s.events.map((e) => ({
              '@timestamp': nanosToIso(e.timeUnixNano),
              name: e.name,
              attributes: attributesToObject(e.attributes),
            })),
      links:
        s.links.length === 0
          ? undefined
          : s.links.map((l) => ({
              trace_id: l.traceId,
              span_id: l.spanId,
              trace_state: l.traceState || undefined,
              attributes: attributesToObject(l.attributes),
            })),
      dropped_events_count: s.droppedEventsCount,
      dropped_links_count: s.droppedLinksCount,
    };
  },
};

const RAW_KEYS: ReadonlySet<string> = new Set(['Resource', 'Scope']);

function rawContext(resource: Resource, scope: InstrumentationScope): Context {
  const sc = { Name: scope.name, Version: scope.version, ...attributesToObject(scope.attributes) };
  return { json: `,"Resource":${JSON.stringify(attributesToObject(resource.attributes))},"Scope":${JSON.stringify(sc)}`, keys: RAW_KEYS };
}

export const rawMode: Mode = {
  context: rawContext,

  log(r: LogRecord, _scope: InstrumentationScope, ctx: Context): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      '@timestamp': nanosToIso(logTime(r.timeUnixNano, r.observedTimeUnixNano)),
      Body: anyValueToJson(r.body),
      SeverityNumber: r.severityNumber,
      SeverityText: r.severityText,
      TraceId: r.traceId || undefined,
      SpanId: r.spanId || undefined,
      TraceFlags: r.flags,
    };
    return attributesToObject(r.attributes, ctx.keys, doc);
  },

  span(s: Span, _scope: InstrumentationScope, ctx: Context): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      '@timestamp': nanosToIso(s.startTimeUnixNano),
      EndTimestamp: nanosToIso(s.endTimeUnixNano),
      TraceId: s.traceId,
      SpanId: s.spanId,
      ParentSpanId: s.parentSpanId,
      Name: s.name,
      Kind: SPAN_KINDS[s.kind] ?? String(s.kind),
      Duration: intToJson((s.endTimeUnixNano - s.startTimeUnixNano) / 1000n), // microseconds, as contrib's raw mode
      TraceStatus: s.status.code,
      TraceStatusDescription: s.status.message,
      Link: s.links.length === 0 ? undefined : JSON.stringify(s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId }))),
    };
    return attributesToObject(s.attributes, ctx.keys, doc);
  },
};

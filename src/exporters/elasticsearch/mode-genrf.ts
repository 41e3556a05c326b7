import type { InstrumentationScope, KeyValue, LogRecord, Resource, Span } from '../../pdata/types.ts';
import { NO_KEYS, type Context, type Mode } from './mode.ts';
import { anyValueToJson, attributesToObject, bodyText, levelOf, logTime, nanosToIso, SPAN_KINDS, STATUS_CODES, stringAttr } from './values.ts';

// `mapping.mode: genrf`: the observability guide's fields ("ELK Stack Integration"), so that
// its queries (`level:ERROR AND "convergence failure"`, `generation_time:>300`, ...) work as
// written. The genRF attributes are lifted to top-level fields; the rest stays under
// `attributes`. Resource attributes go under `resource`, with `service_name` beside.

/** Attributes lifted to top-level fields, with their type in the guide's mapping. */
export const GENRF_FIELDS: Readonly<Record<string, 'keyword' | 'float'>> = {
  circuit_type: 'keyword',
  technology: 'keyword',
  user_id: 'keyword',
  session_id: 'keyword',
  spice_engine: 'keyword',
  generation_time: 'float',
};
const LIFTED: ReadonlySet<string> = new Set(Object.keys(GENRF_FIELDS));

/** Copies the genRF attributes to top-level fields of `doc`. */
function lift(doc: Record<string, unknown>, attributes: readonly KeyValue[]): void {
  for (let i = 0; i < attributes.length; i++) {
    const kv = attributes[i];
    if (LIFTED.has(kv.key)) doc[kv.key] = anyValueToJson(kv.value);
  }
}

function context(resource: Resource, scope: InstrumentationScope): Context {
  const service = stringAttr(resource.attributes, 'service.name');
  let out = `,"resource":${JSON.stringify(attributesToObject(resource.attributes))}`;
  if (service !== undefined) out += `,"service_name":${JSON.stringify(service)}`;
  if (scope.version !== '') out += `,"logger_version":${JSON.stringify(scope.version)}`;
  return { json: out, keys: NO_KEYS }; // the record's fields are fixed names, none of these
}

export const genrfMode: Mode = {
  context,

  log(r: LogRecord, scope: InstrumentationScope): Record<string, unknown> {
    const ts = nanosToIso(logTime(r.timeUnixNano, r.observedTimeUnixNano));
    const doc: Record<string, unknown> = {
      '@timestamp': ts,
      timestamp: ts,
      level: levelOf(r.severityNumber, r.severityText),
      logger: scope.name || undefined,
      message: bodyText(r.body),
    };
    lift(doc, r.attributes);
    doc.attributes = attributesToObject(r.attributes, LIFTED);
    if (r.traceId !== '') doc.trace_id = r.traceId;
    if (r.spanId !== '') doc.span_id = r.spanId;
    if (r.eventName !== '') doc.event_name = r.eventName;
    return doc;
  },

  span(s: Span, scope: InstrumentationScope): Record<string, unknown> {
    const ts = nanosToIso(s.startTimeUnixNano);
    const doc: Record<string, unknown> = {
      '@timestamp': ts,
      timestamp: ts,
      end_timestamp: nanosToIso(s.endTimeUnixNano),
      trace_id: s.traceId,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId || undefined,
      name: s.name,
      kind: SPAN_KINDS[s.kind] ?? String(s.kind),
      duration_ms: Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6,
      status_code: STATUS_CODES[s.status.code] ?? String(s.status.code),
      status_message: s.status.message || undefined,
      logger: scope.name || undefined,
    };
    lift(doc, s.attributes);
    doc.attributes = attributesToObject(s.attributes, LIFTED);
    if (s.events.length > 0) {
      doc.events = s.events.map((e) => ({ timestamp: nanosToIso(e.timeUnixNano), name: e.name, attributes: attributesToObject(e.attributes) }));
    }
    if (s.links.length > 0) doc.links = s.links.map((l) => ({ trace_id: l.traceId, span_id: l.spanId }));
    return doc;
  },
};

/** The guide's mapping, plus the fields this mode adds, for the index template. */
export function genrfMappings(signal: 'logs' | 'traces'): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    '@timestamp': { type: 'date' },
    timestamp: { type: 'date' },
    level: { type: 'keyword' },
    logger: { type: 'keyword' },
    logger_version: { type: 'keyword' },
    message: { type: 'text' },
    trace_id: { type: 'keyword' },
    span_id: { type: 'keyword' },
    event_name: { type: 'keyword' },
    service_name: { type: 'keyword' },
    // flattened: any attribute set fits without mapping conflicts between records, and
    // `attributes.<key>:<value>` queries still work.
    attributes: { type: 'flattened', ignore_above: 8191 },
    resource: { type: 'flattened', ignore_above: 8191 },
  };
  for (const [key, type] of Object.entries(GENRF_FIELDS)) properties[key] = { type };
  if (signal === 'traces') {
    Object.assign(properties, {
      end_timestamp: { type: 'date' },
      parent_span_id: { type: 'keyword' },
      name: { type: 'keyword' },
      kind: { type: 'keyword' },
      duration_ms: { type: 'double' },
      status_code: { type: 'keyword' },
      status_message: { type: 'text' },
      events: { type: 'flattened' },
      links: { type: 'flattened' },
    });
  }
  return { properties };
}

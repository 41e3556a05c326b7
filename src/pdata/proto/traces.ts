// opentelemetry/proto/trace/v1 (ExportTraceServiceRequest = TracesData on the wire).
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, Status, TracesData } from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import type { Reader } from './reader.ts';
import * as w from './writer.ts';
import {
  decodeKeyValue,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  encodeAttributes,
  encodeResource,
  encodeScope,
} from './common.ts';

// ---- decode ----

export function decodeTracesData(r: Reader): TracesData {
  const resourceSpans: ResourceSpans[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag === 10) resourceSpans.push(decodeResourceSpans(r, r.end())); // 1 resource_spans
      else r.skip(tag & 7, tag >>> 3);
    }
  } catch (e) {
    throw withSegment(e, segment('resource_spans', resourceSpans.length));
  }
  return { resourceSpans };
}

function decodeResourceSpans(r: Reader, end: number): ResourceSpans {
  const rs: ResourceSpans = { resource: emptyResource(), scopeSpans: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) rs.scopeSpans.push(decodeScopeSpans(r, r.end())); // 2 scope_spans
      else if (tag === 10) rs.resource = decodeResource(r, r.end()); // 1 resource
      else if (tag === 26) rs.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('scope_spans', rs.scopeSpans.length) : field === 1 ? 'resource' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return rs;
}

function decodeScopeSpans(r: Reader, end: number): ScopeSpans {
  const ss: ScopeSpans = { scope: emptyScope(), spans: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) ss.spans.push(decodeSpan(r, r.end())); // 2 spans
      else if (tag === 10) ss.scope = decodeScope(r, r.end()); // 1 scope
      else if (tag === 26) ss.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('spans', ss.spans.length) : field === 1 ? 'scope' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return ss;
}

const SPAN_FIELDS = [
  '', 'trace_id', 'span_id', 'trace_state', 'parent_span_id', 'name', 'kind', 'start_time_unix_nano',
  'end_time_unix_nano', 'attributes', 'dropped_attributes_count', 'events', 'dropped_events_count', 'links',
  'dropped_links_count', 'status', 'flags',
];

function decodeSpan(r: Reader, end: number): Span {
  const s: Span = {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 74: // 9 attributes
          s.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 10: // 1 trace_id
          s.traceId = r.hexId();
          break;
        case 18: // 2 span_id
          s.spanId = r.hexId();
          break;
        case 26: // 3 trace_state
          s.traceState = r.string();
          break;
        case 34: // 4 parent_span_id
          s.parentSpanId = r.hexId();
          break;
        case 42: // 5 name
          s.name = r.string();
          break;
        case 48: // 6 kind
          s.kind = r.int32();
          break;
        case 57: // 7 start_time_unix_nano (fixed64)
          s.startTimeUnixNano = r.fixed64();
          break;
        case 65: // 8 end_time_unix_nano (fixed64)
          s.endTimeUnixNano = r.fixed64();
          break;
        case 80: // 10 dropped_attributes_count
          s.droppedAttributesCount = r.uint32();
          break;
        case 90: // 11 events
          s.events.push(decodeEvent(r, r.end()));
          break;
        case 96: // 12 dropped_events_count
          s.droppedEventsCount = r.uint32();
          break;
        case 106: // 13 links
          s.links.push(decodeLink(r, r.end()));
          break;
        case 112: // 14 dropped_links_count
          s.droppedLinksCount = r.uint32();
          break;
        case 122: // 15 status
          s.status = decodeStatus(r, r.end());
          break;
        case 133: // 16 flags (fixed32)
          s.flags = r.fixed32();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    const index = field === 9 ? s.attributes.length : field === 11 ? s.events.length : field === 13 ? s.links.length : -1;
    throw withSegment(e, segment(SPAN_FIELDS[field] ?? `field ${field}`, index));
  }
  return s;
}

function decodeEvent(r: Reader, end: number): SpanEvent {
  const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 9) ev.timeUnixNano = r.fixed64(); // 1 time_unix_nano
      else if (tag === 18) ev.name = r.string(); // 2 name
      else if (tag === 26) ev.attributes.push(decodeKeyValue(r, r.end())); // 3 attributes
      else if (tag === 32) ev.droppedAttributesCount = r.uint32(); // 4 dropped_attributes_count
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 3 ? segment('attributes', ev.attributes.length) : `field ${field}`);
  }
  return ev;
}

function decodeLink(r: Reader, end: number): SpanLink {
  const l: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 10: // 1 trace_id
          l.traceId = r.hexId();
          break;
        case 18: // 2 span_id
          l.spanId = r.hexId();
          break;
        case 26: // 3 trace_state
          l.traceState = r.string();
          break;
        case 34: // 4 attributes
          l.attributes.push(decodeKeyValue(r, r.end()));
          break;
        case 40: // 5 dropped_attributes_count
          l.droppedAttributesCount = r.uint32();
          break;
        case 53: // 6 flags (fixed32)
          l.flags = r.fixed32();
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 4 ? segment('attributes', l.attributes.length) : `field ${field}`);
  }
  return l;
}

function decodeStatus(r: Reader, end: number): Status {
  const st: Status = { message: '', code: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 18) st.message = r.string(); // 2 message
    else if (tag === 24) st.code = r.int32(); // 3 code
    else r.skip(tag & 7, tag >>> 3);
  }
  r.checkEnd(end);
  return st;
}

// ---- encode ----

export function encodeTracesData(data: TracesData): void {
  const rss = data.resourceSpans;
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i];
    const m = w.begin(10);
    encodeResource(10, rs.resource);
    for (let j = 0; j < rs.scopeSpans.length; j++) {
      const ss = rs.scopeSpans[j];
      const ms = w.begin(18);
      encodeScope(10, ss.scope);
      const spans = ss.spans;
      for (let k = 0; k < spans.length; k++) encodeSpan(spans[k]);
      if (ss.schemaUrl !== '') w.stringField(26, ss.schemaUrl);
      w.finish(ms);
    }
    if (rs.schemaUrl !== '') w.stringField(26, rs.schemaUrl);
    w.finish(m);
  }
}

function encodeSpan(s: Span): void {
  const m = w.begin(18);
  if (s.traceId !== '') w.hexField(10, s.traceId);
  if (s.spanId !== '') w.hexField(18, s.spanId);
  if (s.traceState !== '') w.stringField(26, s.traceState);
  if (s.parentSpanId !== '') w.hexField(34, s.parentSpanId);
  if (s.name !== '') w.stringField(42, s.name);
  if (s.kind !== 0) w.int32Field(48, s.kind);
  if (s.startTimeUnixNano !== 0n) w.fixed64Field(57, s.startTimeUnixNano);
  if (s.endTimeUnixNano !== 0n) w.fixed64Field(65, s.endTimeUnixNano);
  encodeAttributes(74, s.attributes);
  if (s.droppedAttributesCount !== 0) w.varintField(80, s.droppedAttributesCount);
  for (let i = 0; i < s.events.length; i++) {
    const ev = s.events[i];
    const me = w.begin(90);
    if (ev.timeUnixNano !== 0n) w.fixed64Field(9, ev.timeUnixNano);
    if (ev.name !== '') w.stringField(18, ev.name);
    encodeAttributes(26, ev.attributes);
    if (ev.droppedAttributesCount !== 0) w.varintField(32, ev.droppedAttributesCount);
    w.finish(me);
  }
  if (s.droppedEventsCount !== 0) w.varintField(96, s.droppedEventsCount);
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i];
    const ml = w.begin(106);
    if (l.traceId !== '') w.hexField(10, l.traceId);
    if (l.spanId !== '') w.hexField(18, l.spanId);
    if (l.traceState !== '') w.stringField(26, l.traceState);
    encodeAttributes(34, l.attributes);
    if (l.droppedAttributesCount !== 0) w.varintField(40, l.droppedAttributesCount);
    if (l.flags !== 0) w.fixed32Field(53, l.flags);
    w.finish(ml);
  }
  if (s.droppedLinksCount !== 0) w.varintField(112, s.droppedLinksCount);
  const st = s.status;
  if (st.message !== '' || st.code !== 0) {
    const mst = w.begin(122);
    if (st.message !== '') w.stringField(18, st.message);
    if (st.code !== 0) w.int32Field(24, st.code);
    w.finish(mst);
  }
  if (s.flags !== 0) w.fixed32Field(133, s.flags);
  w.finish(m);
}

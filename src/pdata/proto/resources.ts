// The resource fast path: changes the resources of an Export*ServiceRequest in its protobuf
// bytes without decoding a single span, data point or log record. Each ResourceSpans /
// ResourceMetrics / ResourceLogs entry is rewritten as its `resource` message (decoded, changed,
// encoded again with the generated codec) followed by the rest of the entry copied as bytes.
// The resource and resourcedetection processors use it, so a pipeline that only tags resources
// (the shipped pipelines/default.yaml) keeps the bytes a receiver got.
//
// The result decodes to what decode -> change -> encode gives (test/unit/pdata/resources.test.ts
// compares them on many inputs): as the decoder does, the last `resource` of an entry wins, an
// absent one is an empty resource, unknown fields are left out, and an empty resource is not
// written.
import type { Resource } from '../types.ts';
import { decodeResource } from '../generated/proto-decode.ts';
import { encodeResource } from '../generated/proto-encode.ts';
import { isEmptyResource, newResource } from '../generated/defaults.ts';
import { LogsData_FIELDS, MetricsData_FIELDS, ResourceLogs_FIELDS, ResourceMetrics_FIELDS, ResourceSpans_FIELDS, TracesData_FIELDS } from '../generated/fields.ts';
import { Reader, WIRE_LEN } from './reader.ts';
import * as w from './writer.ts';

/** The tag of a length-delimited field, by name, the same in each signal's message (checked here, once). */
function lenTag(tables: ReadonlyArray<readonly string[]>, names: readonly string[]): number {
  const field = tables[0].indexOf(names[0]);
  tables.forEach((t, i) => {
    if (field < 1 || t.indexOf(names[i]) !== field) throw new Error(`the OTLP requests no longer share field ${names[0]}: the resource fast path needs a look`);
  });
  return (field << 3) | WIRE_LEN;
}

const REQUESTS = [TracesData_FIELDS, MetricsData_FIELDS, LogsData_FIELDS];
const ENTRIES = [ResourceSpans_FIELDS, ResourceMetrics_FIELDS, ResourceLogs_FIELDS];
/** resource_{spans,metrics,logs} in a request. */
const ENTRY = lenTag(REQUESTS, ['resource_spans', 'resource_metrics', 'resource_logs']);
/** resource, scope_{spans,metrics,logs} and schema_url in an entry. */
const RESOURCE = lenTag(ENTRIES, ['resource', 'resource', 'resource']);
const SCOPES = lenTag(ENTRIES, ['scope_spans', 'scope_metrics', 'scope_logs']);
const SCHEMA_URL = lenTag(ENTRIES, ['schema_url', 'schema_url', 'schema_url']);

/**
 * The request(s) in `bytes` with `apply` called on every resource, in order. `bounds` are a
 * merged batch's `[end, items, ...]` (see Batch.merged), rewritten for the new bytes. Throws
 * on bytes that do not parse as far as it reads them (the caller then takes the decode path).
 */
export function rewriteResources(bytes: Uint8Array, bounds: readonly number[] | undefined, apply: (resource: Resource) => void): { bytes: Uint8Array; bounds: number[] | undefined } {
  w.start();
  if (bounds === undefined) {
    rewriteRequest(bytes, 0, bytes.length, apply);
    return { bytes: w.output(), bounds: undefined };
  }
  const next: number[] = [];
  let start = 0;
  for (let i = 0; i < bounds.length; i += 2) {
    rewriteRequest(bytes, start, bounds[i], apply);
    next.push(w.written(), bounds[i + 1]);
    start = bounds[i];
  }
  return { bytes: w.output(), bounds: next };
}

function rewriteRequest(bytes: Uint8Array, from: number, to: number, apply: (resource: Resource) => void): void {
  const r = new Reader(bytes.subarray(from, to));
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag !== ENTRY) {
      r.skip(tag & 7, tag >>> 3);
      continue;
    }
    const end = r.end();
    const mark = w.begin(ENTRY);
    rewriteEntry(r, end, apply);
    w.finish(mark);
  }
  r.checkEnd(r.len);
}

function rewriteEntry(r: Reader, end: number, apply: (resource: Resource) => void): void {
  const start = r.pos;
  let resource: Resource | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === RESOURCE) resource = decodeResource(r, r.end());
    else r.skip(tag & 7, tag >>> 3);
  }
  r.checkEnd(end);
  resource ??= newResource();
  apply(resource);
  if (!isEmptyResource(resource)) {
    const mark = w.begin(RESOURCE);
    encodeResource(resource);
    w.finish(mark);
  }
  // The scopes and the schema URL go out as they came, in their order.
  r.pos = start;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.tag();
    if (tag === SCOPES || tag === SCHEMA_URL) {
      r.pos = r.end();
      w.raw(r.buf, at, r.pos);
    } else r.skip(tag & 7, tag >>> 3);
  }
}

// The resources and instrumentation scopes of an Export*ServiceRequest, read from its protobuf
// bytes without decoding a single span, data point or log record. The routing connector uses it
// when its routes look no deeper than the scope (the shipped pipelines/default.yaml routes on
// the scope name): a batch whose scopes all go the same way is handed on as the bytes it came
// in, so that the batch processor concatenates them and the file exporter's encoder thread
// writes them, instead of the whole batch being decoded on the main thread to be routed.
import type { InstrumentationScope, Resource } from '../types.ts';
import { decodeInstrumentationScope, decodeResource } from '../generated/proto-decode.ts';
import { newInstrumentationScope, newResource } from '../generated/defaults.ts';
import {
  LogsData_FIELDS,
  MetricsData_FIELDS,
  ResourceLogs_FIELDS,
  ResourceMetrics_FIELDS,
  ResourceSpans_FIELDS,
  ScopeLogs_FIELDS,
  ScopeMetrics_FIELDS,
  ScopeSpans_FIELDS,
  TracesData_FIELDS,
} from '../generated/fields.ts';
import { Reader, WIRE_LEN } from './reader.ts';

/** The tag of a length-delimited field, by name, the same in each signal's message (checked here, once). */
function lenTag(tables: ReadonlyArray<readonly string[]>, names: readonly string[]): number {
  const field = tables[0].indexOf(names[0]);
  tables.forEach((t, i) => {
    if (field < 1 || t.indexOf(names[i]) !== field) throw new Error(`the OTLP requests no longer share field ${names[0]}: the scope scan needs a look`);
  });
  return (field << 3) | WIRE_LEN;
}

const ENTRIES = [ResourceSpans_FIELDS, ResourceMetrics_FIELDS, ResourceLogs_FIELDS];
const SCOPE_ENTRIES = [ScopeSpans_FIELDS, ScopeMetrics_FIELDS, ScopeLogs_FIELDS];
/** resource_{spans,metrics,logs} in a request. */
const ENTRY = lenTag([TracesData_FIELDS, MetricsData_FIELDS, LogsData_FIELDS], ['resource_spans', 'resource_metrics', 'resource_logs']);
/** resource and scope_{spans,metrics,logs} in a resource entry. */
const RESOURCE = lenTag(ENTRIES, ['resource', 'resource', 'resource']);
const SCOPES = lenTag(ENTRIES, ['scope_spans', 'scope_metrics', 'scope_logs']);
/** scope and spans / metrics / log_records in a scope entry. */
const SCOPE = lenTag(SCOPE_ENTRIES, ['scope', 'scope', 'scope']);
const RECORDS = lenTag(SCOPE_ENTRIES, ['spans', 'metrics', 'log_records']);

/** What `scopeMask` answers when the scopes do not all get the same mask, or it cannot tell. */
export const MIXED = -1;

/**
 * The mask `maskOf` gives every scope entry that holds records, when it gives them all the
 * same one; MIXED when it gives different ones, when no scope entry holds a record, when the
 * bytes do not parse, or when an entry repeats its `resource` or a scope entry its `scope`
 * (the decoder's rule for those is left to the decoding path). `onResource` is called with
 * each resource entry's resource (an empty one when absent) before `maskOf` sees its scopes;
 * `wantResource: false` skips decoding resources (onResource then gets an empty one).
 */
export function scopeMask(bytes: Uint8Array, wantResource: boolean, onResource: (resource: Resource) => void, maskOf: (scope: InstrumentationScope) => number): number {
  try {
    return scan(new Reader(bytes), wantResource, onResource, maskOf);
  } catch {
    return MIXED;
  }
}

function scan(r: Reader, wantResource: boolean, onResource: (resource: Resource) => void, maskOf: (scope: InstrumentationScope) => number): number {
  let mask = MIXED;
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag !== ENTRY) {
      r.skip(tag & 7, tag >>> 3);
      continue;
    }
    const end = r.end();
    const start = r.pos;
    // The resource first (it may come after the scopes in the bytes).
    let resource: Resource | undefined;
    let resources = 0;
    while (r.pos < end) {
      const t = r.tag();
      if (t === RESOURCE) {
        resources++;
        if (wantResource) resource = decodeResource(r, r.end());
        else r.pos = r.end();
      } else r.skip(t & 7, t >>> 3);
    }
    r.checkEnd(end);
    if (resources > 1) return MIXED;
    onResource(resource ?? newResource());
    r.pos = start;
    while (r.pos < end) {
      const t = r.tag();
      if (t !== SCOPES) {
        r.skip(t & 7, t >>> 3);
        continue;
      }
      const m = scopeEntry(r, r.end(), maskOf);
      if (m === NO_RECORDS) continue;
      if (m === MIXED || (mask !== MIXED && m !== mask)) return MIXED;
      mask = m;
    }
  }
  r.checkEnd(r.len);
  return mask;
}

const NO_RECORDS = -2;

/** The mask of one scope entry; NO_RECORDS when it holds none, MIXED when it repeats its scope. */
function scopeEntry(r: Reader, end: number, maskOf: (scope: InstrumentationScope) => number): number {
  let scope: InstrumentationScope | undefined;
  let scopes = 0;
  let records = false;
  while (r.pos < end) {
    const t = r.tag();
    if (t === SCOPE) {
      scopes++;
      scope = decodeInstrumentationScope(r, r.end());
    } else if (t === RECORDS) {
      records = true;
      r.pos = r.end();
    } else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  if (scopes > 1) return MIXED;
  if (!records) return NO_RECORDS;
  return maskOf(scope ?? newInstrumentationScope());
}

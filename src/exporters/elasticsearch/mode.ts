import type { InstrumentationScope, LogRecord, Resource, Span } from '../../pdata/types.ts';

/**
 * One document shape (`mapping.mode`). A document is the record's own fields (`log` /
 * `span`, stringified per record) followed by the fields it shares with its resource and
 * scope, which are serialized once per scope (`*Context`: a JSON fragment that starts with
 * a comma, or "").
 */
export interface Mode {
  log(record: LogRecord, scope: InstrumentationScope, context: Context): Record<string, unknown>;
  span(span: Span, scope: InstrumentationScope, context: Context): Record<string, unknown>;
  context(resource: Resource, scope: InstrumentationScope): Context;
}

export interface Context {
  /** A JSON fragment starting with a comma (`,"resource":{...}`), or "". */
  json: string;
  /** Top-level keys `json` sets: a record's own fields must not repeat them (Elasticsearch refuses duplicate keys). */
  keys: ReadonlySet<string>;
}

export const NO_KEYS: ReadonlySet<string> = new Set();

/** `{"a":1}` + `,"b":2` -> `{"a":1,"b":2}` (the record's own fields always include a timestamp). */
export function withContext(own: Record<string, unknown>, context: Context): string {
  const json = JSON.stringify(own);
  return context.json === '' ? json : json.slice(0, -1) + context.json + '}';
}

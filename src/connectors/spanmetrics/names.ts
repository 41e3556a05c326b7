import type { AnyValue } from '../../pdata/types.ts';

// The dimension values otelcol's spanmetrics puts on its series, so that dashboards built
// for it (`span_kind="SPAN_KIND_SERVER"`, `status_code="STATUS_CODE_ERROR"`) work unchanged.

const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUSES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

export function spanKindName(kind: number): string {
  return KINDS[kind] ?? `SPAN_KIND_${kind}`;
}

export function statusCodeName(code: number): string {
  return STATUSES[code] ?? `STATUS_CODE_${code}`;
}

/**
 * A value's string form, used as a series key and as a resource key part: strings as they
 * are, other scalars as their text, arrays and maps as JSON-like text. Called per span only
 * for dimension values that are not strings.
 */
export function anyValueKey(v: AnyValue): string {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.arrayValue !== undefined) return `[${v.arrayValue.values.map(anyValueKey).join(',')}]`;
  if (v.kvlistValue !== undefined) return `{${v.kvlistValue.values.map((kv) => `${kv.key}:${anyValueKey(kv.value)}`).join(',')}}`;
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  return '';
}

/** A copy of a value that shares nothing with the span it came from (scalars keep their type). */
export function copyAnyValue(v: AnyValue): AnyValue {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: v.intValue };
  if (v.doubleValue !== undefined) return { doubleValue: v.doubleValue };
  return { stringValue: anyValueKey(v) };
}

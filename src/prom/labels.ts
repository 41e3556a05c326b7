import type { AnyValue, KeyValue } from '../pdata/types.ts';
import { isLegacyLabelName, type Namer } from './naming.ts';

// Label sets are kept as their rendered exposition text, `a="1",b="2"` (no braces): the text
// is both the series' identity in the store and what a scrape writes, so a scrape only
// concatenates. Point attributes are sorted by label name so that the same set in another
// order is the same series.

const ESCAPE_RE = /[\\"\n]/;
const ESCAPE_ALL_RE = /[\\"\n]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n' };

/** Escapes a label value (or a quoted name) for both exposition formats. */
export function escapeLabelValue(v: string): string {
  return ESCAPE_RE.test(v) ? v.replace(ESCAPE_ALL_RE, (c) => ESCAPES[c]) : v;
}

/** An attribute value as a label value: strings as they are, the rest as OTLP/JSON would show them. */
export function valueText(v: AnyValue | undefined): string {
  if (v === undefined) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue ? 'true' : 'false';
  if (v.intValue !== undefined) return v.intValue.toString();
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue !== undefined) return JSON.stringify(v.arrayValue.values.map(jsonValue));
  if (v.kvlistValue !== undefined) return JSON.stringify(Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, jsonValue(kv.value)])));
  return '';
}

function jsonValue(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.arrayValue !== undefined) return v.arrayValue.values.map(jsonValue);
  if (v.kvlistValue !== undefined) return Object.fromEntries(v.kvlistValue.values.map((kv) => [kv.key, jsonValue(kv.value)]));
  return v.boolValue ?? v.doubleValue ?? (v.bytesValue ? Buffer.from(v.bytesValue).toString('base64') : null);
}

/** `name="value"`, with the name quoted when it is not a legacy label name (UTF-8 mode). */
export function pair(name: string, value: string): string {
  const n = isLegacyLabelName(name) ? name : `"${escapeLabelValue(name)}"`;
  return `${n}="${escapeLabelValue(value)}"`;
}

/** A label set from (name, value) pairs: sorted, empty values left out, repeated names joined with ";". */
export function block(pairs: Array<[string, string]>): string {
  const sorted = pairs.filter(([n, v]) => n !== '' && v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let out = '';
  for (let i = 0; i < sorted.length; i++) {
    let [name, value] = sorted[i];
    // Two attributes that sanitize to one name (`a.b`, `a_b`) keep both values, as the spec says.
    while (i + 1 < sorted.length && sorted[i + 1][0] === name) value += `;${sorted[++i][1]}`;
    out += (out === '' ? '' : ',') + pair(name, value);
  }
  return out;
}

/** Joins two rendered label sets. */
export function join(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

/**
 * The label set of a data point's attributes. `reserved` holds the names the resource, scope
 * and const labels already use: a point attribute with one of them becomes `exported_<name>`
 * instead of repeating a label, which would make Prometheus reject the whole scrape.
 */
export function attributeBlock(attrs: KeyValue[], namer: Namer, reserved: ReadonlySet<string>): string {
  if (attrs.length === 0) return '';
  // Fast path: attributes already in name order with no collisions (what SDKs send).
  let out = '';
  let prev = '';
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i];
    const name = namer.label(kv.key);
    if (name <= prev || reserved.has(name)) return attributeBlockSlow(attrs, namer, reserved);
    prev = name;
    const value = valueText(kv.value);
    if (value === '') continue;
    out += (out === '' ? '' : ',') + pair(name, value);
  }
  return out;
}

function attributeBlockSlow(attrs: KeyValue[], namer: Namer, reserved: ReadonlySet<string>): string {
  const pairs: Array<[string, string]> = [];
  for (const kv of attrs) {
    let name = namer.label(kv.key);
    if (reserved.has(name)) name = `exported_${name}`;
    pairs.push([name, valueText(kv.value)]);
  }
  return block(pairs);
}

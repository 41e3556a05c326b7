// Field matchers of pipeline tests, and the readable diff printed when one fails: the
// expected fields against the closest record that arrived, field by field.
import type { FlatRecord, Value } from './records.ts';

/** A value as written in a test: equal to it; or one operator. */
export type Matcher = string | number | boolean | null | { equals?: Value; contains?: string; not_contains?: string; prefix?: string; matches?: string; exists?: boolean };

export type RecordMatcher = Record<string, Matcher>;

const text = (v: Value): string => (typeof v === 'string' ? v : JSON.stringify(v));
const same = (a: Value, b: Value): boolean => (typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b);

/** Whether a field (undefined when the record lacks it) satisfies a matcher. */
export function fieldMatches(actual: Value | undefined, m: Matcher): boolean {
  if (m === null || typeof m !== 'object') return actual !== undefined && same(actual, m);
  if (m.exists !== undefined && (actual !== undefined) !== m.exists) return false;
  if (m.not_contains !== undefined && actual !== undefined && text(actual).includes(m.not_contains)) return false;
  const needsValue = m.equals !== undefined || m.contains !== undefined || m.prefix !== undefined || m.matches !== undefined;
  if (!needsValue) return true;
  if (actual === undefined) return false;
  if (m.equals !== undefined && !same(actual, m.equals)) return false;
  if (m.contains !== undefined && !(Array.isArray(actual) ? actual.some((x) => text(x) === m.contains) : text(actual).includes(m.contains))) return false;
  if (m.prefix !== undefined && !text(actual).startsWith(m.prefix)) return false;
  if (m.matches !== undefined && !new RegExp(m.matches).test(text(actual))) return false;
  return true;
}

export function recordMatches(r: FlatRecord, m: RecordMatcher): boolean {
  for (const k in m) if (!fieldMatches(r.fields.get(k), m[k])) return false;
  return true;
}

/** A matcher as the diff shows it. */
export function describeMatcher(m: Matcher): string {
  if (m === null || typeof m !== 'object') return JSON.stringify(m);
  return Object.entries(m)
    .map(([op, v]) => (op === 'equals' ? JSON.stringify(v) : `${op} ${JSON.stringify(v)}`))
    .join(', ');
}

/** The record that satisfies the most fields of `m` (the first among equals). */
export function closest(records: readonly FlatRecord[], m: RecordMatcher): { record: FlatRecord; index: number } | undefined {
  let best: { record: FlatRecord; index: number; score: number } | undefined;
  records.forEach((record, index) => {
    let score = 0;
    for (const k in m) if (fieldMatches(record.fields.get(k), m[k])) score++;
    if (!best || score > best.score) best = { record, index, score };
  });
  return best;
}

export interface Style {
  red(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

/**
 * Field by field: `  field: expected` for what matched, `- field: expected` and
 * `+ field: actual` for what did not.
 */
export function diffRecord(r: FlatRecord, m: RecordMatcher, style: Style, indent: string): string[] {
  const lines: string[] = [];
  for (const k in m) {
    const actual = r.fields.get(k);
    if (fieldMatches(actual, m[k])) {
      lines.push(`${indent}  ${k}: ${describeMatcher(m[k])}${style.dim(actual === undefined ? '' : `  (${text(actual)})`)}`);
    } else {
      lines.push(style.red(`${indent}- ${k}: ${describeMatcher(m[k])}`));
      lines.push(style.green(`${indent}+ ${k}: ${actual === undefined ? '(absent)' : JSON.stringify(actual)}`));
    }
  }
  return lines;
}

/** One record in one line, its most telling fields first. */
export function oneLine(r: FlatRecord, max = 160): string {
  const keys = ['scope.name', 'name', 'body', 'severity_text', 'value', 'count'];
  const parts: string[] = [];
  for (const k of keys) if (r.fields.has(k)) parts.push(`${k}=${JSON.stringify(r.fields.get(k))}`);
  for (const [k, v] of r.fields) if (k.startsWith('attributes.')) parts.push(`${k}=${JSON.stringify(v)}`);
  const s = parts.join(' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

// Summary attributes (`summary: info|debug`): what was redacted and by which detector, never
// the values. When an earlier redaction processor already left a summary, the counts add up
// and the detector lists merge.
import type { KeyValue } from '../../pdata/types.ts';
import type { Tally } from './tally.ts';

export const COUNT_KEY = 'redaction.redacted.count';
export const DETECTORS_KEY = 'redaction.redacted.detectors';
export const KEYS_KEY = 'redaction.redacted.keys';

export function addSummary(attrs: KeyValue[], tally: Tally, labels: readonly string[]): void {
  const names: string[] = [];
  for (let i = 0; i < tally.counts.length; i++) if (tally.counts[i] > 0) names.push(labels[i]);
  let count = BigInt(tally.total);
  const prevCount = find(attrs, COUNT_KEY);
  if (prevCount?.value.intValue !== undefined) count += prevCount.value.intValue;
  upsert(attrs, COUNT_KEY, { intValue: count });
  upsert(attrs, DETECTORS_KEY, { stringValue: merge(find(attrs, DETECTORS_KEY)?.value.stringValue, names) });
  if (tally.collectKeys) upsert(attrs, KEYS_KEY, { stringValue: merge(find(attrs, KEYS_KEY)?.value.stringValue, tally.keys) });
}

function find(attrs: KeyValue[], key: string): KeyValue | undefined {
  for (const kv of attrs) if (kv.key === key) return kv;
  return undefined;
}

function upsert(attrs: KeyValue[], key: string, value: KeyValue['value']): void {
  const kv = find(attrs, key);
  if (kv) kv.value = value;
  else attrs.push({ key, value });
}

function merge(prev: string | undefined, names: readonly string[]): string {
  if (!prev) return names.join(',');
  const all = prev.split(',');
  for (const n of names) if (!all.includes(n)) all.push(n);
  return all.join(',');
}

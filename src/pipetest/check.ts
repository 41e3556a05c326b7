// One exporter's expectation against what it received; each failure as readable lines.
import { closest, describeMatcher, diffRecord, oneLine, recordMatches, type RecordMatcher, type Style } from './match.ts';
import type { FlatRecord } from './records.ts';
import type { Expectation } from './spec.ts';

export type { Style };

const SHOWN = 5;

export function checkExpectation(key: string, exp: Expectation, records: FlatRecord[], output: string | undefined, style: Style): string[] {
  const out: string[] = [];
  const head = (msg: string) => out.push(style.red(`✗ ${key}: ${msg}`));
  const listRecords = (rs: FlatRecord[], label = 'received') => {
    out.push(style.dim(`    ${label} ${rs.length} record(s)${rs.length > SHOWN ? `, the first ${SHOWN}` : ''}:`));
    rs.slice(0, SHOWN).forEach((r, i) => out.push(`      #${i} ${oneLine(r)}`));
  };
  if (exp.count !== undefined) {
    const n = records.length;
    const [min, max] = typeof exp.count === 'number' ? [exp.count, exp.count] : [exp.count.min ?? 0, exp.count.max ?? Infinity];
    if (n < min || n > max) {
      head(`expected ${typeof exp.count === 'number' ? exp.count : `${min} to ${max === Infinity ? 'any number of' : max}`} record(s), got ${n}`);
      if (n > 0) listRecords(records);
    }
  }
  for (const m of exp.present ?? []) {
    if (records.some((r) => recordMatches(r, m))) continue;
    head(`no record matches ${describe(m)}`);
    const c = closest(records, m);
    if (c === undefined) {
      out.push(style.dim('    (the exporter received nothing)'));
      continue;
    }
    out.push(style.dim(`    closest: #${c.index} of ${records.length}`));
    out.push(...diffRecord(c.record, m, style, '    '));
  }
  for (const m of exp.absent ?? []) {
    const found = records.filter((r) => recordMatches(r, m));
    if (found.length === 0) continue;
    head(`${found.length} record(s) match ${describe(m)}, expected none`);
    listRecords(found, 'matching:');
  }
  for (const m of exp.all ?? []) {
    const bad = records.findIndex((r) => !recordMatches(r, m));
    if (bad < 0) continue;
    const count = records.filter((r) => !recordMatches(r, m)).length;
    head(`${count} of ${records.length} record(s) do not match ${describe(m)}`);
    out.push(style.dim(`    the first, #${bad}:`));
    out.push(...diffRecord(records[bad], m, style, '    '));
  }
  if (exp.metric_names !== undefined || exp.absent_metric_names !== undefined) {
    const names = output !== undefined ? expositionNames(output) : new Set(records.map((r) => String(r.fields.get('name'))));
    const where = output !== undefined ? 'its output' : 'the metrics it received';
    const missing = (exp.metric_names ?? []).filter((n) => !names.has(n));
    const unwanted = (exp.absent_metric_names ?? []).filter((n) => names.has(n));
    if (missing.length > 0) {
      head(`metric name(s) missing from ${where}`);
      for (const n of missing) out.push(style.red(`    - ${n}`));
      const have = [...names].sort();
      out.push(style.dim(`    it holds ${have.length} name(s)${have.length > 20 ? ', the first 20' : ''}:`));
      for (const n of have.slice(0, 20)) out.push(style.green(`    + ${n}`));
    }
    if (unwanted.length > 0) {
      head(`metric name(s) present in ${where}, expected absent`);
      for (const n of unwanted) out.push(style.red(`    + ${n}`));
    }
  }
  return out;
}

function describe(m: RecordMatcher): string {
  return `{ ${Object.entries(m)
    .map(([k, v]) => `${k}: ${describeMatcher(v)}`)
    .join(', ')} }`;
}

/** Family names (`# TYPE name ...`) and sample names (`name_bucket{...} 1`) of an exposition. */
export function expositionNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) /.exec(line);
    if (t) names.add(t[1]);
    else if (line !== '' && !line.startsWith('#')) names.add(line.split(/[{ ]/, 1)[0]);
  }
  return names;
}

// The genRF metric contract (scripts/genrf-metrics.ts -> docs/genrf-metrics.md):
// - the document is up to date with the contract and with what reads each series in deploy/;
// - every genrf_* series a dashboard, an alert or an autoscaler reads is in the contract
//   (a typo in a query is caught here, not by an empty panel);
// - every metric of the contract is read by something, or is one of the guide's;
// - the emulator's worker code (examples/genrf/genrf/metrics.py) declares each instrument with
//   the contract's name, kind, unit and buckets.
// What the emulator actually sends is checked in test/services/genrf-pipeline.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS, prometheusSeries } from '../../../scripts/genrf-metrics.ts';
import { renderDoc } from '../../../scripts/gen-metrics-doc.ts';
import { readDashboards, ROOT, targetsOf } from './dashboard-files.ts';

const known = new Set(METRICS.flatMap(prometheusSeries));

describe('the genRF metric contract', () => {
  it('docs/genrf-metrics.md is what npm run metrics-doc writes', () => {
    const current = readFileSync(join(ROOT, 'docs/genrf-metrics.md'), 'utf8');
    expect(renderDoc(current)).toBe(current);
  });

  it('every genrf_* series read in deploy/ is in the contract', () => {
    const texts: Array<[string, string]> = Object.entries(readDashboards()).flatMap(([f, d]) => targetsOf(f, d).map((t) => [`${f} / ${t.panel}`, JSON.stringify(t.target)] as [string, string]));
    for (const f of ['genrf-alerts.yaml']) {
      const doc = parse(readFileSync(join(ROOT, 'deploy/prometheus', f), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
      for (const r of doc.groups.flatMap((g) => g.rules)) texts.push([`${f} / ${r.alert}`, r.expr]);
    }
    const unknown = texts.flatMap(([where, text]) =>
      [...text.matchAll(/\bgenrf_[a-z0-9_]+/g)]
        .map((m) => m[0])
        .filter((n) => !known.has(n) && !n.startsWith('genrf_collector_'))
        .map((n) => `${where}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it("every metric of the contract is read by a panel, a rule or an autoscaler, or is one of the guide's", () => {
    const doc = readFileSync(join(ROOT, 'docs/genrf-metrics.md'), 'utf8');
    for (const m of METRICS.filter((x) => !x.guide)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`))!;
      const cells = row.split(' | ');
      expect(cells[6] !== '—' || cells[7] !== '—', `${m.name} is read by nothing`).toBe(true);
    }
  });

  it("the emulator's metrics.py declares each instrument with the contract's kind, unit and buckets", () => {
    const py = readFileSync(join(ROOT, 'examples/genrf/genrf/metrics.py'), 'utf8');
    const constants = Object.fromEntries([...py.matchAll(/^(\w+_BUCKETS) = \[([^\]]*)\]/gm)].map((m) => [m[1], m[2].split(',').map((x) => Number(x.trim()))]));
    const KIND = { Counter: 'counter', Histogram: 'histogram', Gauge: 'gauge', ObservableGauge: 'observable_gauge' };
    for (const m of METRICS) {
      // The call's arguments run to the next statement (they may hold calls of their own).
      const call = new RegExp(`create_(\\w+)\\(\\s*"${m.name.replace(/\./g, '\\.')}"([\\s\\S]*?)\\n(?=\\S|$)`).exec(py);
      expect(call, `${m.name} in metrics.py`).not.toBeNull();
      expect(call![1], m.name).toBe(KIND[m.instrument]);
      const unit = /unit="([^"]*)"/.exec(call![2])?.[1] ?? '';
      expect(unit, `${m.name} unit`).toBe(m.unit);
      const buckets = /explicit_bucket_boundaries_advisory=(\w+)/.exec(call![2])?.[1];
      expect(buckets ? constants[buckets] : undefined, `${m.name} buckets`).toEqual(m.buckets);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { encodeJson } from '../../../../src/pdata/json/index.ts';
import { corpusLogs, formatScore, loadCorpus, score } from '../../../fixtures/redaction/corpus.ts';
import { Tally } from '../../../../src/processors/redaction/tally.ts';
import { json, make } from './helpers.ts';

describe('redaction processor on the labelled corpus', () => {
  it('leaves no planted value in the output and alters under 1% of the look-alikes', () => {
    const lines = loadCorpus();
    const data = corpusLogs(lines);
    const { p } = make();
    p.process('logs', data);
    const byId = new Map<number, string>();
    for (const r of data.resourceLogs[0].scopeLogs[0].logRecords) {
      byId.set(Number(r.attributes.find((a) => a.key === 'corpus.id')!.value.intValue), json(r));
    }
    const s = score(lines, encodeJson('logs', data), (id) => byId.get(id));
    console.log(`redaction corpus (${lines.length} records)\n${formatScore(s)}`);
    expect(s.plantedTotal).toBeGreaterThan(600);
    expect(s.planted.size).toBe(17); // every detector and the sensitive keys
    expect(s.leakedValues).toEqual([]);
    expect(s.alteredValues.length / s.lookalikeTotal).toBeLessThan(0.01);
  });

  it('takes no look-alike for a secret when it stands alone (false positives by detector)', () => {
    const { p } = make();
    const t = new Tally(p.scrubber.labels.length, false);
    const byDetector = new Map<string, number>();
    const lookalikes = loadCorpus().flatMap((l) => l.lookalikes);
    for (const la of lookalikes) {
      t.reset();
      p.scrubber.scrubString(la.value, t);
      t.counts.forEach((n, i) => {
        if (n > 0) byDetector.set(p.scrubber.labels[i], (byDetector.get(p.scrubber.labels[i]) ?? 0) + n);
      });
    }
    const rows = p.scrubber.labels.slice(0, 16).map((d) => `${d.padEnd(24)} ${byDetector.get(d) ?? 0}/${lookalikes.length}`);
    console.log(`look-alikes redacted when alone, by detector\n${rows.join('\n')}`);
    const total = [...byDetector.values()].reduce((a, b) => a + b, 0);
    expect(total / lookalikes.length).toBeLessThan(0.01);
  });
});

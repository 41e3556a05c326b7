// The prefilter skips a detector's regex when it says the regex cannot match: that is only
// safe if every bit it leaves off is really unneeded. For every built-in detector, on the
// labelled corpus, the PII class corpus, the benchmark lines and seeded random text with
// secrets planted at random places: whenever the detector's regex finds a candidate that
// its range function accepts, the prefilter's bit for it is on. The two detectors that run
// on the prefilter's runs instead of a regex get their runs compared with the regex's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES } from '../../../../src/processors/redaction/config.ts';
import { DETECTOR_BY_INDEX, type Range } from '../../../../src/processors/redaction/detectors.ts';
import { candidates, newRuns40 } from '../../../../src/processors/redaction/prefilter.ts';
import { benchLines, jsonLines } from '../../../../bench/redaction.bench.ts';
import { dump, NEW_SECRETS, piiCorpus } from '../../../fixtures/redaction/pii-classes.ts';
import { ALNUM, Rng, VALUE_SECRETS, lookalike } from '../../../fixtures/redaction/pii-gen.ts';

const range: Range = { start: 0, end: 0 };

/** Whether detector `i`'s regex finds a candidate its range function accepts (the scrubber's loop). */
function detectorFinds(i: number, s: string): boolean {
  const d = DETECTOR_BY_INDEX[i];
  const re = new RegExp(d.regex.source, d.regex.flags);
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (d.range(m, s, range)) return true;
    re.lastIndex = m.index + 1;
  }
  return false;
}

const RUN40 = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const LONG = /(?<![A-Za-z0-9/+])(?:[A-Za-z0-9/+]{16,}|[A-Za-z0-9/+]{8,15}(?==))/g;

/** Texts to check: every string the corpora hold, and random text with secrets in it. */
function texts(): string[] {
  const out: string[] = [];
  for (const line of readFileSync(new URL('../../../fixtures/redaction/corpus.jsonl', import.meta.url), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as { body: unknown; attributes: Record<string, unknown> };
    out.push(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    for (const v of Object.values(o.attributes)) out.push(String(v));
  }
  for (const cases of piiCorpus().values()) for (const c of cases) out.push(dump(c.data));
  for (const l of [...benchLines(400), ...jsonLines(100, 0.5)]) out.push(l.body as string);
  const r = new Rng(77);
  const gens: Array<() => string> = [
    ...VALUE_SECRETS.map(
      ([, g]) =>
        () =>
          g(r),
    ),
    ...NEW_SECRETS.map(
      ([, g]) =>
        () =>
          g(r).text,
    ),
    () => lookalike(r).value,
  ];
  const glue = ['', ' ', '=', ':', '"', '/', '+', '-', '.', '_', 'x', 'Q', '7', '(', '\u00e9', '\uff20'];
  for (let k = 0; k < 3000; k++) {
    let s = '';
    for (let part = 0; part < 3; part++) s += r.pick(glue) + (r.int(3) === 0 ? r.chars(ALNUM, r.int(30)) : r.pick(gens)()) + r.pick(glue);
    out.push(s);
  }
  const phones = ['+1 415 555 0132', '+44 (0) 20 7946 0958', '+49-30-901820', '(415) 555-0132', '020 7946 0958', '01 23 45 67 89', '415.555.0132'];
  const quads = ['10.0.0.1', '192.168.001.1:8080', 'v1.2.3.4', 'x 255.255.255.255.', '1.2.3.4.5'];
  for (const p of [...phones, ...quads]) for (const g of glue) out.push(`${g}${p}${g}`, `call ${p} now`);
  return out;
}

describe('redaction prefilter', () => {
  const all = texts();

  it('never leaves off a detector whose regex finds something', () => {
    const runs = newRuns40();
    const missed: string[] = [];
    const hits = new Array<number>(DETECTOR_NAMES.length).fill(0);
    for (const s of all) {
      const mask = candidates(s, runs);
      for (let i = 0; i < DETECTOR_NAMES.length; i++) {
        const name = DETECTOR_NAMES[i];
        if (name === 'aws_secret_key' || name === 'generic_secret') continue; // checked on runs below
        if (!detectorFinds(i, s)) continue;
        hits[i]++;
        if ((mask & (1 << i)) === 0) missed.push(`${name}: ${JSON.stringify(s).slice(0, 160)}`);
      }
    }
    expect(missed).toEqual([]);
    // The check has teeth: every regex-run detector found something in these texts.
    const never = DETECTOR_NAMES.filter((n, i) => hits[i] === 0 && n !== 'aws_secret_key' && n !== 'generic_secret');
    expect(never).toEqual([]);
  });

  it('finds exactly the base64 runs the aws_secret_key and generic_secret regexes would start at', () => {
    const runs = newRuns40();
    let long = 0;
    for (const s of all) {
      candidates(s, runs);
      expect([...runs.starts.subarray(0, runs.count)], s).toEqual([...s.matchAll(RUN40)].map((m) => m.index));
      const expected = [...s.matchAll(LONG)];
      expect([...runs.longStarts.subarray(0, runs.longCount)], s).toEqual(expected.map((m) => m.index));
      expect([...runs.longLengths.subarray(0, runs.longCount)], s).toEqual(expected.map((m) => m[0].length));
      long += runs.longCount;
    }
    expect(long).toBeGreaterThan(1000);
  });

  it('keeps up with strings of any length (its run arrays grow before the pass)', () => {
    const runs = newRuns40();
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const s = Array.from({ length: 2000 }, () => key).join(' ');
    const mask = candidates(s, runs);
    expect(runs.count).toBe(2000);
    expect(runs.starts[1999]).toBe(1999 * 41);
    expect(mask & (1 << DETECTOR_NAMES.indexOf('aws_secret_key'))).not.toBe(0);
    // The room a long string needed is not kept once short strings follow (memory stays bounded).
    expect(runs.starts.length).toBeGreaterThan(2000);
    candidates('a short line', runs);
    expect(runs.starts.length).toBeLessThan(100);
  });
});

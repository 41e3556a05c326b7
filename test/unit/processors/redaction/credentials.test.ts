// More credential formats (issue 13, class 5): each detector has its name (in the token, the
// summary and the metric), its own action, and look-alikes it leaves.
import { describe, expect, it } from 'vitest';
import { Tally } from '../../../../src/processors/redaction/tally.ts';
import { NEW_SECRETS } from '../../../fixtures/redaction/pii-classes.ts';
import { Rng } from '../../../fixtures/redaction/pii-gen.ts';
import { kv, logs } from '../../../fixtures/redaction/pii-classes.ts';
import { make } from './helpers.ts';

describe('credential detectors', () => {
  const { p } = make();
  const t = new Tally(p.scrubber.labels.length, false);
  for (const [name, gen] of NEW_SECRETS) {
    it(`${name}: found and labelled with its own name`, () => {
      const r = new Rng(name.length * 7919);
      for (let i = 0; i < 20; i++) {
        const { text, secret } = gen(r);
        t.reset();
        const out = p.scrubber.scrubString(text, t);
        expect(out, text).not.toContain(secret);
        expect(out, text).toContain(`[REDACTED:${name}]`);
      }
    });
  }

  it.each([
    ['a UUID after "key"', 'cache key 550e8400-e29b-41d4-a716-446655440000'],
    ['a hash after "token"', `token digest ${'ab12'.repeat(16)}`],
    ['sk-learn and SG. in prose', 'uses sk-learn 1.4 and SG.4 filter'],
    ['npm config', 'env npm_config_cache=/tmp/npm-1'],
    ['an md5', 'md5 0123456789abcdef0123456789abcdef of netlist'],
    ['a word glued before KEY', 'EXAMPLEKEY= wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYA'.replace('wJalr', 'Q')],
    ['a path after "key"', 'key path /etc/genrf/keys/run_12/public.pem'],
    ['an AccountName', 'AccountName=genrfdata;EndpointSuffix=core.windows.net'],
  ])('leaves %s alone', (_n, input) => {
    t.reset();
    expect(p.scrubber.scrubString(input, t)).toBe(input);
  });

  it('each detector takes its own action: hash for one, drop_attribute for another, mask for the rest', () => {
    const { p: q } = make({ detectors: { google_api_key: { action: 'hash' }, npm_token: { action: 'drop_attribute' } } });
    const g = `AIza${'Ab1_'.repeat(8)}xyz`;
    const data = logs({ body: { stringValue: `key ${g}` }, attributes: [kv('npmrc', `//registry/:_authToken npm_${'aB3'.repeat(12)}`), kv('gl', `glpat-${'x1Y'.repeat(7)}`)] });
    q.process('logs', data);
    const rec = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(rec.body!.stringValue).toMatch(/^key \[HASHED:google_api_key:[0-9a-f]{16}\]$/);
    expect(rec.attributes.map((a) => a.key)).toEqual(['gl']);
    expect(rec.attributes[0].value.stringValue).toBe('[REDACTED:gitlab_token]');
  });
});

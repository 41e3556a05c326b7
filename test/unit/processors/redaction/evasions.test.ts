// Evasions and encodings (issue 13, class 4): what a reader sees is what is scanned.
import { describe, expect, it } from 'vitest';
import { Tally } from '../../../../src/processors/redaction/tally.ts';
import { kv, logs } from '../../../fixtures/redaction/pii-classes.ts';
import { json, make } from './helpers.ts';

const { p } = make();
const t = new Tally(p.scrubber.labels.length, false);
const scrub = (s: string) => p.scrubber.scrubString(s, t);

describe('evasions', () => {
  it.each([
    ['fullwidth @', 'user alice＠example.com locked', 'user [REDACTED:email] locked'],
    ['fullwidth digits', 'card ４１１１１１１１１１１１１１１１ declined', 'card [REDACTED:credit_card] declined'],
    ['zero-width inside', 'user al\u200bice@exa\u200dmple.com locked', 'user [REDACTED:email] locked'],
    ['URL-encoded', 'GET /users/alice%40example.com/reset', 'GET /users/[REDACTED:email]/reset'],
    ['URL-encoded twice', 'next=alice%2540example.com', 'next=[REDACTED:email]'],
    ['base64 of an e-mail', `blob ${Buffer.from('alice@example.com').toString('base64')} ok`, 'blob [REDACTED:email] ok'],
    ['base64 of a keyed secret', `blob ${Buffer.from('password=hunter2').toString('base64')} ok`, 'blob [REDACTED:sensitive_key] ok'],
    ['lowercase PEM', '-----begin rsa private key-----\nMIIE\n-----end rsa private key----- done', '[REDACTED:pem_private_key] done'],
    ['AWS key id glued', 'credsAKIAIOSFODNN7EXAMPLEx', 'creds[REDACTED:aws_access_key_id]x'],
    ['AWS key id lowercase', 'id akiaiosfodnn7example rotated', 'id [REDACTED:aws_access_key_id] rotated'],
    ['card with dots', 'card 3782.822463.10005 ok', 'card [REDACTED:credit_card] ok'],
    ['card with mixed separators', 'card 4000-0566 5566.5556 ok', 'card [REDACTED:credit_card] ok'],
    ['card glued to letters', 'ref x4000056655665556y', 'ref x[REDACTED:credit_card]y'],
    ['card then more numbers', 'card 4111 1111 1111 1111 42 ok', 'card [REDACTED:credit_card] 42 ok'],
  ])('%s', (_name, input, want) => {
    expect(scrub(input)).toBe(want);
  });

  it.each([
    ['base64 of prose', `payload ${Buffer.from('gain table for LNA run 42').toString('base64')}`],
    ['base64 of binary', `payload ${Buffer.from([200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211]).toString('base64')}`],
    ['a decimal number that passes Luhn', 'gain 4111.111111111111 dB'],
    ['a card-length number failing Luhn', 'order 4111111111111112'],
    ['an epoch in nanoseconds', 'at 1764320400000000000'],
    ['fullwidth words', 'ｇｅｎｒｆ worker ready'],
    ['URL-encoded path', '/runs/lna%2012.sp'],
    ['a sha1', 'commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b'],
    ['AWS-like mixed case', 'region asiaPacificRegional1'],
  ])('leaves %s alone', (_name, input) => {
    expect(scrub(input)).toBe(input);
  });

  it('cards stored as int and double attribute values; Luhn still decides', () => {
    const data = logs({
      body: { stringValue: 'charge' },
      attributes: [kv('a', { intValue: 4111111111111111n }), kv('b', { doubleValue: 4000056655665556 }), kv('c', { doubleValue: 4000056655665557 })],
    });
    p.process('logs', data);
    const attrs = data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes;
    expect(attrs[0].value).toEqual({ stringValue: '[REDACTED:credit_card]' });
    expect(attrs[1].value).toEqual({ stringValue: '[REDACTED:credit_card]' });
    expect(attrs[2].value.doubleValue).toBe(4000056655665557);
    expect(json(data)).not.toContain('4000056655665556');
  });

  it('decode: false leaves encoded forms to the plain detectors', () => {
    const { p: off } = make({ decode: false });
    expect(off.scrubber.scrubString('alice%40example.com', new Tally(off.scrubber.labels.length, false))).toBe('alice%40example.com');
  });
});

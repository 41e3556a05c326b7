// Sensitive keys after normalisation, and inside text (issue 13, classes 1 and 2).
import { describe, expect, it } from 'vitest';
import { SensitiveKeys } from '../../../../src/processors/redaction/keys.ts';
import { Tally } from '../../../../src/processors/redaction/tally.ts';
import { make } from './helpers.ts';

const keys = new SensitiveKeys(['password', 'pwd', 'api_key', 'client_secret', 'token', 'authorization']);

describe('sensitive key names', () => {
  it('match whatever case, separators, camelCase, NFKC forms and zero-width characters', () => {
    for (const k of [
      'password',
      'user_password',
      'userPassword',
      'DB-Password',
      'PASSWORD',
      'password ',
      ' password',
      'ｐａｓｓｗｏｒｄ',
      'pass\u200bword',
      'db.password',
      'password2',
      'userpassword',
      'apiKey',
      'X-API-KEY',
      'x_api_key',
      'ClientSecret',
      'accessToken',
      'user pwd',
      'http.request.header.authorization',
    ]) {
      expect(keys.matches(k), k).toBe(true);
    }
  });
  it('leave keys that only contain a sensitive word elsewhere, or a short one glued', () => {
    for (const k of ['password_policy', 'token_count', 'tokens_used', 'secretary', 'api_version', 'passwordless', 'cwd', 'keyboard', 'authorization_mode']) {
      expect(keys.matches(k), k).toBe(false);
    }
  });
  it('a configured list replaces the defaults', () => {
    const { p } = make({ sensitive_keys: ['employee_pin'] });
    const t = new Tally(p.scrubber.labels.length, false);
    expect(p.scrubber.scrubString('employeePin=4711 password=x', t)).toBe('employeePin=[REDACTED:sensitive_key] password=x');
  });
});

describe('sensitive keys inside text', () => {
  const { p } = make();
  const t = new Tally(p.scrubber.labels.length, false);
  const scrub = (s: string) => p.scrubber.scrubString(s, t);
  it.each([
    ['logfmt', 'user=bob password=hunter2 ok=1', 'user=bob password=[REDACTED:sensitive_key] ok=1'],
    ['logfmt quoted', 'password="hunter 2" ok=1', 'password="[REDACTED:sensitive_key]" ok=1'],
    ['KeyValueRenderer', "event='x' client_secret='abc' level='info'", "event='x' client_secret='[REDACTED:sensitive_key]' level='info'"],
    ['JSONRenderer', '{"event": "x", "api_key": "abc", "n": 1}', '{"event": "x", "api_key": "[REDACTED:sensitive_key]", "n": 1}'],
    ['JSON number', '{"pwd": 123456, "n": 1}', '{"pwd": [REDACTED:sensitive_key], "n": 1}'],
    ['JSON nested', '{"credentials": {"u": "a", "p": "b"}, "n": 1}', '{"credentials": [REDACTED:sensitive_key], "n": 1}'],
    ['JSON in a string', '{\\"event\\": \\"x\\", \\"token\\": \\"abc\\"}', '{\\"event\\": \\"x\\", \\"token\\": \\"[REDACTED:sensitive_key]\\"}'],
    ['Python repr', "{'user': 'bob', 'password': 'hunter2'}", "{'user': 'bob', 'password': '[REDACTED:sensitive_key]'}"],
    ['Python bytes', "{'password': b'hunter2'}", "{'password': b'[REDACTED:sensitive_key]'}"],
    ['URL query', 'GET /cb?token=abc&page=2 HTTP/1.1', 'GET /cb?token=[REDACTED:sensitive_key]&page=2 HTTP/1.1'],
    ['URL fragment', 'https://x/cb#access_token=abc&expires_in=3600', 'https://x/cb#access_token=[REDACTED:sensitive_key]&expires_in=3600'],
    ['header', 'Authorization: Digest abc\r\nAccept: */*', 'Authorization: [REDACTED:sensitive_key]\r\nAccept: */*'],
    ['cookie header', 'Cookie: session=abc; theme=dark\nHost: x', 'Cookie: [REDACTED:sensitive_key]\nHost: x'],
    ['YAML', 'db:\n  password: hunter2\n  port: 5432', 'db:\n  password: [REDACTED:sensitive_key]\n  port: 5432'],
    ['key with a space', 'api key=abc done', 'api key=[REDACTED:sensitive_key] done'],
    ['CLI flag', 'run --password=hunter2 --verbose', 'run --password=[REDACTED:sensitive_key] --verbose'],
  ])('%s', (_name, input, want) => {
    expect(scrub(input)).toBe(want);
  });
  it.each([
    ['prose', 'password reset requested for run 42'],
    ['null', '{"password": null}'],
    ['other keys', 'token_count=512 password_policy=strict L=4.7nH'],
    ['URL scheme', 'see https://genrf.example/token/abc'],
    ['C++ scope', 'genrf::token::size'],
    ['already redacted', 'password=[REDACTED:sensitive_key]'],
  ])('leaves %s alone', (_name, input) => {
    expect(scrub(input)).toBe(input);
  });
  it('text_keys: false turns the text scan off (attributes keep the key rule)', () => {
    const { p: off } = make({ text_keys: false });
    expect(off.scrubber.scrubString('password=hunter2', new Tally(off.scrubber.labels.length, false))).toBe('password=hunter2');
  });
});

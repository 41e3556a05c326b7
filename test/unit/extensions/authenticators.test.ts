import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearerTokenAuthExtensionFactory } from '../../../src/extensions/bearertokenauth/factory.ts';
import { basicAuthExtensionFactory } from '../../../src/extensions/basicauth/factory.ts';
import { oidcExtensionFactory } from '../../../src/extensions/oidc/factory.ts';
import type { AuthResult, ServerAuthenticator } from '../../../src/net/auth.ts';
import type { Extension, ExtensionFactory } from '../../../src/pipeline/component.ts';
import { TestPki } from '../../helpers/certs.ts';
import { TestIssuer } from '../../helpers/oidc-issuer.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until } from '../../helpers/wait.ts';

// The three authenticators, as a server calls them: a header in, a subject or a refusal out.
// No refusal message may contain the credential it refused.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genrf-auth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const started: Extension[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const e of started.splice(0)) await e.shutdown();
});

async function make(factory: ExtensionFactory, raw: unknown, id = factory.type): Promise<ServerAuthenticator & Extension & { settings: ReturnType<typeof testSettings> }> {
  const settings = testSettings(id);
  const ext = factory.create(settings, factory.config.parse(raw)) as ServerAuthenticator & Extension;
  await ext.start({ components: () => [] });
  started.push(ext);
  return Object.assign(ext, { settings });
}

const check = async (a: ServerAuthenticator, headers: Record<string, string>): Promise<AuthResult> => a.authenticate((n) => headers[n]);
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** Rewrites a watched file and runs the poll that notices it (no waiting for the real interval). */
async function changeFile(file: string, content: string, a: { settings: { logs: Array<Record<string, unknown>> } }, logged: string): Promise<void> {
  const before = a.settings.logs.filter((l) => l.msg === logged).length;
  writeFileSync(file, content);
  vi.advanceTimersToNextTimer();
  await until(() => a.settings.logs.filter((l) => l.msg === logged).length > before, 10_000, `the log line "${logged}"`);
}

describe('bearertokenauth', () => {
  it('takes any of several tokens, each with its subject; refuses missing, wrong-scheme and unknown tokens without naming them', async () => {
    const a = await make(bearerTokenAuthExtensionFactory, { tokens: [{ token: 'sec-token-0123456789', subject: 'security-service' }, 'worker-token-abcdef'] }, 'bearertokenauth/w');
    expect(await check(a, { authorization: 'Bearer sec-token-0123456789' })).toEqual({ ok: true, subject: 'security-service' });
    expect(await check(a, { authorization: 'bearer worker-token-abcdef' })).toEqual({ ok: true, subject: 'bearertokenauth/w' });
    expect(await check(a, {})).toMatchObject({ ok: false, reason: 'missing' });
    const basicTry = await check(a, { authorization: 'Basic worker-token-abcdef' });
    const wrong = await check(a, { authorization: 'Bearer worker-token-abcdeX' });
    expect(basicTry).toMatchObject({ ok: false, reason: 'invalid' });
    expect(wrong).toMatchObject({ ok: false, reason: 'invalid' });
    for (const r of [basicTry, wrong]) expect(JSON.stringify(r)).not.toContain('worker-token');
  });

  it('reads tokens from a file and follows it when it changes', async () => {
    const file = join(dir, 'tokens');
    writeFileSync(file, '# workers\nfirst-token-111,worker-a\n');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const a = await make(bearerTokenAuthExtensionFactory, { filename: file, header: 'X-Api-Key', scheme: '' });
    expect(await check(a, { 'x-api-key': 'first-token-111' })).toEqual({ ok: true, subject: 'worker-a' });
    await changeFile(file, 'second-token-222,worker-b\n', a, 'bearertokenauth: the token file changed; its tokens apply now');
    expect(await check(a, { 'x-api-key': 'second-token-222' })).toEqual({ ok: true, subject: 'worker-b' });
    expect(await check(a, { 'x-api-key': 'first-token-111' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(a.settings.logs.some((l) => l.msg === 'bearertokenauth: the token file changed; its tokens apply now')).toBe(true);
    expect(JSON.stringify(a.settings.logs)).not.toMatch(/token-(111|222)/);
  });

  it('refuses an empty token in the config (an unset environment variable) and a missing file at start', async () => {
    expect(bearerTokenAuthExtensionFactory.config.safeParse({ token: '' }).success).toBe(false);
    expect(bearerTokenAuthExtensionFactory.config.safeParse({}).success).toBe(false);
    const ext = bearerTokenAuthExtensionFactory.create(testSettings('bearertokenauth'), bearerTokenAuthExtensionFactory.config.parse({ filename: join(dir, 'nope') }));
    await expect(ext.start({ components: () => [] })).rejects.toThrow(`bearertokenauth: cannot read filename ${join(dir, 'nope')}: ENOENT`);
  });
});

describe('basicauth', () => {
  const aliceHash = hashSync('alice-pw', 4);
  const bobHash = hashSync('bob-pw', 4).replace('$2b$', '$2y$');

  it('checks users against bcrypt hashes (htpasswd -B, $2y$ too); the subject is the user', async () => {
    const file = join(dir, 'htpasswd');
    writeFileSync(file, `alice:${aliceHash}\n`);
    const a = await make(basicAuthExtensionFactory, { htpasswd: { file, inline: `bob:${bobHash}` } });
    expect(await check(a, { authorization: basic('alice', 'alice-pw') })).toEqual({ ok: true, subject: 'alice' });
    expect(await check(a, { authorization: basic('bob', 'bob-pw') })).toEqual({ ok: true, subject: 'bob' });
    const bad = await check(a, { authorization: basic('alice', 'wrong-pw') });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid' });
    expect(JSON.stringify(bad)).not.toContain('wrong-pw');
    expect(await check(a, { authorization: basic('mallory', 'alice-pw') })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await check(a, {})).toMatchObject({ ok: false, reason: 'missing' });
    expect(await check(a, { authorization: 'Bearer x' })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('remembers a checked credential: the second check needs no bcrypt (answers synchronously)', async () => {
    const a = await make(basicAuthExtensionFactory, { htpasswd: { inline: `alice:${aliceHash}` } });
    const h = (n: string) => (n === 'authorization' ? basic('alice', 'alice-pw') : undefined);
    expect(a.authenticate(h)).toBeInstanceOf(Promise);
    await a.authenticate(h);
    expect(a.authenticate(h)).toEqual({ ok: true, subject: 'alice' });
  });

  it('follows the htpasswd file; a removed user is refused, even after a cached success', async () => {
    const file = join(dir, 'htpasswd2');
    writeFileSync(file, `alice:${aliceHash}\nbob:${bobHash}\n`);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const a = await make(basicAuthExtensionFactory, { htpasswd: { file } });
    expect((await check(a, { authorization: basic('bob', 'bob-pw') })).ok).toBe(true);
    await changeFile(file, `alice:${aliceHash}\n`, a, 'basicauth: the htpasswd file changed; its users apply now');
    expect((await check(a, { authorization: basic('bob', 'bob-pw') })).ok).toBe(false);
    expect((await check(a, { authorization: basic('alice', 'alice-pw') })).ok).toBe(true);
  });

  it('refuses a line that is not bcrypt, naming the line and user but not the hash', () => {
    const build = () => basicAuthExtensionFactory.create(testSettings('basicauth'), basicAuthExtensionFactory.config.parse({ htpasswd: { inline: `alice:${aliceHash}\ncarol:{SHA}secretsha1hash=` } }));
    expect(build).toThrow('basicauth: htpasswd.inline line 2 (user "carol"): not a bcrypt hash');
    try {
      build();
    } catch (e) {
      expect((e as Error).message).not.toContain('secretsha1hash');
    }
  });
});

describe('oidc', () => {
  let pki: TestPki;
  let issuer: TestIssuer;
  beforeAll(async () => {
    pki = new TestPki();
    const s = pki.server('issuer');
    issuer = await new TestIssuer({ cert: s.certPem, key: s.keyPem }).start();
  });
  afterAll(async () => {
    await issuer.stop();
    pki.remove();
  });

  const oidc = () => make(oidcExtensionFactory, { issuer_url: issuer.url, issuer_ca_path: pki.ca, audience: 'genrf-collector' });

  it('takes a JWT signed by the issuer for our audience; the subject is its sub', async () => {
    const a = await oidc();
    expect(await check(a, { authorization: `Bearer ${await issuer.token('security-service')}` })).toEqual({ ok: true, subject: 'security-service' });
  });

  it('refuses an expired token, another audience, another issuer, a forged signature and garbage: invalid, without the token', async () => {
    const a = await oidc();
    const { privateKey: forger } = await generateKeyPair('ES256');
    const bad = [
      await issuer.token('w', { exp: Math.floor(Date.now() / 1000) - 60 }),
      await issuer.token('w', { aud: 'someone-else' }),
      await issuer.token('w', { iss: 'https://evil.example' }),
      await issuer.token('w', {}, forger),
      'not-a-jwt',
    ];
    for (const t of bad) {
      const r = await check(a, { authorization: `Bearer ${t}` });
      expect(r, t).toMatchObject({ ok: false, reason: 'invalid' });
      expect(JSON.stringify(r)).not.toContain(t);
    }
    expect(await check(a, {})).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('follows a key rotation at the issuer (a token with a new kid fetches the JWKS again)', async () => {
    // jose fetches again on an unknown key at most every 5 s after the last fetch (its clock
    // is Date, faked here so the test need not wait those 5 s).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const a = await oidc();
    expect((await check(a, { authorization: `Bearer ${await issuer.token('w')}` })).ok).toBe(true);
    await issuer.rotateKey();
    const fresh = `Bearer ${await issuer.token('w2')}`;
    const fetches = issuer.jwksFetches;
    expect(await check(a, { authorization: fresh })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(issuer.jwksFetches).toBe(fetches); // still cooling down: no fetch per unknown token
    vi.setSystemTime(Date.now() + 5_001);
    expect(await check(a, { authorization: fresh })).toEqual({ ok: true, subject: 'w2' });
    expect(issuer.jwksFetches).toBe(fetches + 1);
  });

  it('an issuer that cannot be reached makes requests unavailable (retry), not unauthenticated', async () => {
    issuer.down = true;
    try {
      const a = await oidc();
      const r = await check(a, { authorization: `Bearer ${await issuer.token('w')}` });
      expect(r).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(a.health!()).toMatchObject({ healthy: false });
    } finally {
      issuer.down = false;
    }
  });

  it('refuses a plain-http issuer that is not on loopback', () => {
    expect(oidcExtensionFactory.config.safeParse({ issuer_url: 'http://idp.example.com', audience: 'a' }).success).toBe(false);
    expect(oidcExtensionFactory.config.safeParse({ issuer_url: 'http://127.0.0.1:9/', audience: 'a' }).success).toBe(true);
  });
});

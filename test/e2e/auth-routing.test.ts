// The README's routing example (examples/secured/auth-routing.yaml): include_metadata puts the
// bearer token's subject on the resource as auth.subject, and the routing connector trusts
// genrf.security* logs only from the security service. A worker's security logs, even with a
// forged auth.subject, land apart (forged-security.jsonl), never in security.jsonl.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { allRecords, postOtlp, readJsonLines, waitForRecords } from './helpers/otlp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SECURITY = 'Bearer sec-3f1c0b7a9e';
const WORKER = 'Bearer wrk-9ab2c4d841';

let d: Daemon;
let dir: string;
let port: number;

function logs(scope: string, body: string, resource: Record<string, string> = {}): string {
  const attributes = Object.entries({ 'service.name': 'genrf-worker', ...resource }).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return JSON.stringify({
    resourceLogs: [{ resource: { attributes }, scopeLogs: [{ scope: { name: scope }, logRecords: [{ severityNumber: 9, body: { stringValue: body } }] }] }],
  });
}

const subject = (r: Json) => r.resource.attributes.find((a: Json) => a.key === 'auth.subject')?.value.stringValue;
const bodies = (lines: Json[]) => allRecords('logs', lines).map((r: Json) => r.body.stringValue);

describe('auth.subject routing (examples/secured/auth-routing.yaml)', () => {
  beforeAll(async () => {
    dir = await tempDir('genrf-auth-routing-');
    port = await freePort();
    await writeFile(join(dir, 'tokens'), 'sec-3f1c0b7a9e,security-service\nwrk-9ab2c4d841,genrf-worker\n');
    // As shipped, but the daemon's own metrics on a free port, not the default 8888 that other
    // test files' daemons may hold.
    const yaml = (await readFile(join(ROOT, 'examples/secured/auth-routing.yaml'), 'utf8')).replace(/^service:\n/m, `service:\n  telemetry: { metrics: { address: 127.0.0.1:${await freePort()} } }\n`);
    expect(yaml).toContain('telemetry:');
    d = await startDaemon(yaml, {
      dir,
      env: {
        GENRF_TOKENS_FILE: join(dir, 'tokens'),
        GENRF_DATA_DIR: dir,
        GENRF_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`,
        GENRF_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
      },
    });
  }, 30_000);
  afterAll(async () => {
    await d?.stop();
  });

  it("security logs land in security.jsonl only from the security service; a worker's, forged or not, are kept apart", async () => {
    const post = (auth: string | undefined, scope: string, body: string, resource?: Record<string, string>) =>
      postOtlp(port, '/v1/logs', logs(scope, body, resource), { headers: auth ? { authorization: auth } : {} });
    expect((await post(SECURITY, 'genrf.security.audit', 'real audit of alice@example.com')).status).toBe(200);
    expect((await post(WORKER, 'genrf.security.audit', 'worker pretends, bob@example.com')).status).toBe(200);
    expect((await post(WORKER, 'genrf.security', 'worker forges its subject', { 'auth.subject': 'security-service' })).status).toBe(200);
    expect((await post(WORKER, 'genrf.app', 'ordinary worker log')).status).toBe(200);
    const refused = await post(undefined, 'genrf.security', 'no token at all');
    expect(refused.status).toBe(401);

    const security = await waitForRecords(join(dir, 'security.jsonl'), 'logs', 1);
    const forged = await waitForRecords(join(dir, 'forged-security.jsonl'), 'logs', 2);
    const app = await waitForRecords(join(dir, 'genrf.jsonl'), 'logs', 1);
    expect(bodies(security)).toHaveLength(1);
    expect(bodies(security)).toEqual(['real audit of [REDACTED:email]']);
    expect(security.flatMap((l: Json) => l.resourceLogs.map(subject))).toEqual(['security-service']);
    expect(bodies(forged).sort()).toEqual(['worker forges its subject', 'worker pretends, [REDACTED:email]']);
    // The worker's own auth.subject was replaced by the one its token stands for.
    expect(forged.flatMap((l: Json) => l.resourceLogs.map(subject))).toEqual(['genrf-worker', 'genrf-worker']);
    expect(bodies(app)).toEqual(['ordinary worker log']);
    // Both security sinks are scrubbed; nothing from the refused request landed anywhere.
    const all = (await Promise.all(['security.jsonl', 'forged-security.jsonl', 'genrf.jsonl'].map((f) => readFile(join(dir, f), 'utf8')))).join('');
    expect(all).not.toMatch(/alice@example\.com|bob@example\.com/);
    expect(all).not.toContain('no token at all');
    expect(await readJsonLines(join(dir, 'security.jsonl'))).toHaveLength(security.length);
  }, 60_000);
});

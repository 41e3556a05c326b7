// The redaction processor in the real daemon: the labelled corpus goes in over OTLP/HTTP JSON,
// and neither the output file nor the daemon's own log (at debug level) holds a planted value.
// Keyed hashing gives the same token across restarts with one key and another with another.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeJson } from '../../src/pdata/json/index.ts';
import { corpusLogs, formatScore, loadCorpus, score, type CorpusLine } from '../fixtures/redaction/corpus.ts';
import { freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { allRecords, postOtlp, waitForRecords } from './helpers/otlp.ts';

const KEY_A = 'e2e-redaction-key-aaaaaaaaaaaaaaaa';
const KEY_B = 'e2e-redaction-key-bbbbbbbbbbbbbbbb';
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

async function start(key: string): Promise<{ port: number; out: string; daemon: Daemon }> {
  const dir = await tempDir('genrf-redaction-');
  const port = await freePort();
  const out = join(dir, 'security.jsonl');
  const daemon = await startDaemon(
    `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
processors:
  redaction/pii:
    summary: info
    detectors: { email: { action: hash } }
exporters:
  file/security: { path: ${out}, flush_interval: 100ms }
service:
  telemetry: { metrics: { address: "" }, logs: { level: debug } }
  pipelines:
    logs: { receivers: [otlp], processors: [redaction/pii], exporters: [file/security] }
`,
    { dir, env: { GENRF_REDACTION_KEY: key } },
  );
  daemons.push(daemon);
  return { port, out, daemon };
}

async function send(port: number, lines: CorpusLine[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 100) {
    const res = await postOtlp(port, '/v1/logs', encodeJson('logs', corpusLogs(lines.slice(i, i + 100))));
    expect(res.status, res.text).toBe(200);
  }
}

const HASH_LINE: CorpusLine = { id: 100_000, body: 'login failed for grace.hopper@example.com', attributes: {}, planted: [], lookalikes: [] };

async function tokenFor(key: string): Promise<string> {
  const { port, out } = await start(key);
  await send(port, [HASH_LINE]);
  const [rec] = allRecords('logs', await waitForRecords(out, 'logs', 1));
  const body: string = rec.body.stringValue;
  expect(body).not.toContain('grace.hopper');
  return body;
}

describe('redaction processor in the daemon', () => {
  it('lets no planted value through to the file or the daemon log; look-alikes survive', async () => {
    const lines = loadCorpus();
    const { port, out, daemon } = await start(KEY_A);
    await send(port, lines);
    const records = allRecords('logs', await waitForRecords(out, 'logs', lines.length, 30_000));
    const byId = new Map<number, string>();
    for (const r of records) byId.set(Number(r.attributes.find((a: { key: string }) => a.key === 'corpus.id').value.intValue), JSON.stringify(r));
    const fileText = await readFile(out, 'utf8');
    await daemon.stop();
    const s = score(lines, `${fileText}\n${daemon.stderr()}\n${daemon.stdout()}`, (id) => byId.get(id));
    console.log(`redaction e2e (${lines.length} records)\n${formatScore(s)}`);
    expect(records).toHaveLength(lines.length);
    expect(s.leakedValues).toEqual([]);
    expect(s.alteredValues.length / s.lookalikeTotal).toBeLessThan(0.01);
    // Summary attributes name detectors, never values.
    expect(fileText).toContain('"redaction.redacted.detectors"');
  }, 60_000);

  it('hashes the same e-mail to the same token across restarts with one key, to another with another key', async () => {
    const first = await tokenFor(KEY_A);
    const again = await tokenFor(KEY_A);
    const other = await tokenFor(KEY_B);
    expect(first).toMatch(/^login failed for \[HASHED:email:[0-9a-f]{16}\]$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  }, 60_000);

  it('refuses to start when an action is hash and the key variable is unset', async () => {
    await expect(start('')).rejects.toThrow(/GENRF_REDACTION_KEY \(hash_key_env\) is not set/);
  }, 30_000);
});

// The status extension's controls: POST /reload behind a bearer token, run --watch, and the
// tap (off unless allowed; refused before a security pipeline's scrubber; scrubbed after it).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, freePort, runCli, startDaemon, tempDir, untilStderr, waitFor } from './helpers/daemon.ts';
import { metricValue, postOtlp, scrape } from './helpers/otlp.ts';

const TOKEN = 'e2e-reload-token-0123456789';

const config = (p: { otlp: number; status: number; metrics: number }, dir: string, extra = '', tap = false) => `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${p.otlp} } } }
processors:
  batch: { timeout: 50ms }
  redaction/pii: {}
exporters:
  file/app: { path: ${join(dir, 'app.jsonl')} }
  file/security: { path: ${join(dir, 'security.jsonl')} }
connectors:
  routing/security:
    default_pipelines: [logs/app]
    table: [ { match: { scope_name_prefix: genrf.security }, pipelines: [logs/security] } ]
extensions:
  status:
    endpoint: 127.0.0.1:${p.status}
    tap: { enabled: ${tap} }
    reload: { token_env: GENRF_E2E_RELOAD_TOKEN }
service:
  extensions: [status]
  telemetry: { metrics: { address: 127.0.0.1:${p.metrics} } }
  security: { classify: { scope_name_prefix: [genrf.security] }, sinks: [file/security], scrubbers: [redaction/pii] }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [routing/security] }
    logs/app: { receivers: [routing/security], exporters: [file/app] }
    logs/security: { receivers: [routing/security], processors: [redaction/pii], exporters: [file/security] }
${extra}`;

const request = (i: number) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [] },
        scopeLogs: [
          { scope: { name: 'genrf.security.auth' }, logRecords: [{ body: { stringValue: `login failed for user${i}@example.com` } }] },
          { scope: { name: 'genrf.app' }, logRecords: [{ body: { stringValue: `app ${i}` } }] },
        ],
      },
    ],
  });

async function ports() {
  return { otlp: await freePort(), status: await freePort(), metrics: await freePort() };
}

const reload = (port: number, token?: string) =>
  fetch(`http://127.0.0.1:${port}/reload`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

const hash = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as { config_hash: string }).config_hash;

describe('status extension controls', () => {
  it('POST /reload: refused without the token, applies a valid change, refuses an invalid one as SIGHUP does; counted and logged with hashes', async () => {
    const dir = await tempDir();
    const p = await ports();
    const d = await startDaemon(config(p, dir), { dir, env: { GENRF_E2E_RELOAD_TOKEN: TOKEN } });
    try {
      expect((await reload(p.status)).status).toBe(401);
      expect((await reload(p.status, 'not-the-token-0123456789')).status).toBe(401);
      const h0 = await hash(p.status);
      await writeFile(d.configPath, config(p, dir).replace('timeout: 50ms', 'timeout: 60ms'));
      const ok = await reload(p.status, TOKEN);
      expect(ok).toEqual({ status: 200, body: { result: 'reloaded', hash_before: h0, hash_after: expect.stringMatching(/^[0-9a-f]{16}$/), errors: [] } });
      expect(ok.body.hash_after).not.toBe(h0);
      await waitFor(async () => (await hash(p.status).catch(() => '')) === ok.body.hash_after);

      await writeFile(d.configPath, config(p, dir).replace('timeout: 50ms', 'timeot: 60ms'));
      const bad = await reload(p.status, TOKEN);
      expect(bad.status).toBe(422);
      expect(bad.body.result).toBe('refused');
      expect(bad.body.hash_after).toBe(ok.body.hash_after);
      expect(bad.body.errors.join('\n')).toMatch(/pipeline-.*\.yaml:\d+:\d+: error CFG_UNKNOWN_KEY .*timeot/);
      // Still serving, on the configuration that was running.
      expect((await postOtlp(p.otlp, '/v1/logs', request(1))).status).toBe(200);
      expect(await hash(p.status)).toBe(ok.body.hash_after);
      const m = await scrape(p.metrics);
      expect(metricValue(m, 'genrf_collector_reloads_total', { trigger: 'http', result: 'reloaded' })).toBe(1);
      expect(metricValue(m, 'genrf_collector_reloads_total', { trigger: 'http', result: 'refused' })).toBe(1);
      expect(d.stderr()).toContain(`"hash_before":"${h0}","hash_after":"${ok.body.hash_after}"`);
      expect(d.stderr()).not.toContain(TOKEN);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  it('run --watch reloads when the file changes (debounced), refuses a broken edit and skips an unchanged one', async () => {
    const dir = await tempDir();
    const p = await ports();
    const path = join(dir, 'watched.yaml');
    await writeFile(path, config(p, dir));
    const d = runCli(['run', '--watch', '--config', path], { GENRF_E2E_RELOAD_TOKEN: TOKEN });
    try {
      await untilStderr(d, 'watching the pipeline files', 60_000);
      // Several writes in a row: one reload.
      for (const t of ['51ms', '52ms', '53ms']) await writeFile(path, config(p, dir).replace('timeout: 50ms', `timeout: ${t}`));
      await untilStderr(d, 'reload: done (watch)', 30_000);
      await writeFile(path, config(p, dir).replace('timeout: 50ms', 'timeout: -1'));
      await untilStderr(d, 'reload refused (watch)', 30_000);
      await writeFile(path, config(p, dir).replace('timeout: 50ms', 'timeout: 53ms'));
      await waitFor(() => (d.stderr().match(/reload: done \(watch\)/g) ?? []).length === 1 && d.stderr().includes('"result":"unchanged"'), 15_000);
      const m = await scrape(p.metrics);
      expect(metricValue(m, 'genrf_collector_reloads_total', { trigger: 'watch', result: 'reloaded' })).toBe(1);
      expect(metricValue(m, 'genrf_collector_reloads_total', { trigger: 'watch', result: 'refused' })).toBe(1);
      expect((await postOtlp(p.otlp, '/v1/logs', request(2))).status).toBe(200);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  // Four CLI processes besides the daemon: on a loaded 2-core machine each takes seconds to start.
  it('tap: off unless allowed; refused before the scrubber; scrubbed after it; security records withheld upstream', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const p = await ports();
    const d = await startDaemon(config(p, dir, '', false), { dir, env: { GENRF_E2E_RELOAD_TOKEN: TOKEN } });
    const endpoint = `127.0.0.1:${p.status}`;
    try {
      const off = await cli(['tap', '--endpoint', endpoint, '--component', 'redaction/pii@logs/security', '--limit', '1']);
      expect(off.code).toBe(1);
      expect(off.stderr).toContain('the tap is off');
      await writeFile(d.configPath, config(p, dir, '', true));
      expect((await reload(p.status, TOKEN)).body.result).toBe('reloaded');

      const before = await cli(['tap', '--endpoint', endpoint, '--component', 'routing/security@logs/security', '--limit', '1']);
      expect(before.code).toBe(1);
      expect(before.stderr).toMatch(/refused: .*logs\/security.*before they are scrubbed.*tap redaction\/pii@logs\/security/);

      // Each tap is fed records from the moment it is attached until it has its --limit.
      let i = 0;
      const tapWhileSending = async (args: string[]) => {
        const t = runCli(['tap', '--endpoint', endpoint, ...args]);
        await untilStderr(t, 'tapping ', 30_000);
        let exited = false;
        void t.exited.then(() => {
          exited = true;
        });
        while (!exited && i < 2000) await postOtlp(p.otlp, '/v1/logs', request(i++));
        return { code: await t.exited, stdout: t.stdout(), stderr: t.stderr() };
      };
      const after = await tapWhileSending(['--component', 'redaction/pii@logs/security', '--limit', '3', '--format', 'summary']);
      expect(after.code).toBe(0);
      const lines = after.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l).toMatch(/genrf\.security\.auth .*"login failed for \[REDACTED:email\]"/);
      expect(after.stdout).not.toContain('@example.com');
      const ingest = await tapWhileSending(['--component', 'batch@logs', '--limit', '3', '--format', 'json']);
      expect(ingest.code).toBe(0);
      expect(ingest.stderr).toContain('withholds them');
      const records = ingest.stdout
        .trim()
        .split('\n')
        .flatMap((l) => JSON.parse(l).resourceLogs.flatMap((r: any) => r.scopeLogs));
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((s: any) => s.scope.name === 'genrf.app')).toBe(true);
      expect(ingest.stdout).not.toContain('@example.com');
      // Tapping never cost a record: everything sent arrived.
      await waitFor(
        async () =>
          (await readFile(join(dir, 'app.jsonl'), 'utf8').catch(() => ''))
            .split('\n')
            .filter(Boolean)
            .reduce((n, l) => n + JSON.parse(l).resourceLogs.reduce((m: number, r: any) => m + r.scopeLogs.reduce((k: number, s: any) => k + s.logRecords.length, 0), 0), 0) === i,
        15_000,
      );
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });
});

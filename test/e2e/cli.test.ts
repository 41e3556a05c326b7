// The CLI as a user runs it: validate, components, graph, run's refusals, and /health.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, freePort, runCli, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';

const BROKEN = 'test/fixtures/e2e/broken.yaml';
const DEFAULT = 'pipelines/default.yaml';
/** Every component id the default pipeline's pipelines name (read from the file, which evolves). */
const DEFAULT_COMPONENTS = [
  ...new Set(
    Object.values((parse(readFileSync(DEFAULT, 'utf8')) as { service: { pipelines: Record<string, Record<string, string[]>> } }).service.pipelines).flatMap((p) => [
      ...(p.receivers ?? []),
      ...(p.processors ?? []),
      ...(p.exporters ?? []),
    ]),
  ),
];

describe('validate', () => {
  it('prints every problem of a broken file with file:line:col and exits 1', async () => {
    const { code, stdout, stderr } = await cli(['validate', '--config', BROKEN], { GENRF_E2E_SURELY_UNSET: undefined });
    const out = stdout + stderr;
    expect(code).toBe(1);
    const at = (pos: string, code: string, ...words: RegExp[]) => {
      const line = out.split('\n').find((l) => l.startsWith(`${BROKEN}:${pos}: error ${code}`));
      expect(line, `a ${code} diagnostic at ${BROKEN}:${pos} in:\n${out}`).toBeDefined();
      for (const w of words) expect(line).toMatch(w);
    };
    at('7:9', 'CFG_UNKNOWN_KEY', /receivers\.otlp\.protocols\.http\.max_body_size/);
    at('10:22', 'CFG_INVALID_VALUE', /send_batch_size/, /lots/);
    at('13:11', 'CFG_ENV_UNSET', /GENRF_E2E_SURELY_UNSET/);
    at('14:3', 'CFG_UNKNOWN_TYPE', /elasticsearch_nope/, /file/, /otlphttp/);
    at('20:27', 'CFG_UNDEFINED_REF', /memory_limiter\/missing/, /service\.pipelines\.logs\.processors\[1\]/);
    expect(out.match(/: error /g)).toHaveLength(5);
  });

  it('accepts the default pipeline and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['validate', '--config', DEFAULT]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/configuration is valid: \d+ pipeline/);
  });
});

describe('components', () => {
  it('lists every registered component type under its kind', async () => {
    const { code, stdout } = await cli(['components']);
    expect(code).toBe(0);
    const section = (kind: string) => {
      const m = new RegExp(`^${kind}s:\\n((?:  .*\\n)*)`, 'm').exec(stdout);
      return (m?.[1] ?? '')
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter(Boolean);
    };
    expect(section('receiver')).toContain('otlp');
    expect(section('processor')).toEqual(expect.arrayContaining(['batch', 'memory_limiter']));
    expect(section('exporter')).toEqual(expect.arrayContaining(['file', 'debug', 'otlp', 'otlphttp']));
    expect(section('extension')).toContain('health_check');
  });

  it('--json gives the same list, machine-readable', async () => {
    const { code, stdout } = await cli(['components', '--json']);
    expect(code).toBe(0);
    const rows: Array<{ kind: string; type: string }> = JSON.parse(stdout);
    const has = (kind: string, type: string) => rows.some((r) => r.kind === kind && r.type === type);
    expect(has('receiver', 'otlp') && has('exporter', 'otlphttp') && has('processor', 'memory_limiter') && has('extension', 'health_check')).toBe(true);
  });
});

describe('graph', () => {
  it.each(['mermaid', 'dot'])('--format %s names every component of the default pipeline', async (format) => {
    const { code, stdout, stderr } = await cli(['graph', '--config', DEFAULT, '--format', format]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(format === 'mermaid' ? /^flowchart LR/ : /^digraph /);
    expect(DEFAULT_COMPONENTS).toEqual(expect.arrayContaining(['otlp', 'batch', 'memory_limiter', 'file/traces', 'file/metrics']));
    for (const id of DEFAULT_COMPONENTS) expect(stdout).toContain(`"${id}"`);
  });
});

describe('run', () => {
  it('refuses a broken file with exit 1 and opens nothing', async () => {
    const { code, stderr } = await cli(['run', '--config', BROKEN], { GENRF_E2E_SURELY_UNSET: undefined });
    expect(code).toBe(1);
    expect(stderr).toMatch(/5 error\(s\): not starting/);
    expect(stderr).toContain(`${BROKEN}:14:3`);
    expect(stderr).not.toMatch(/listening|the daemon is running/);
  });

  it.each(['receiver', 'health_check', 'metrics'] as const)('exits non-zero naming the endpoint when the %s port is taken', async (which) => {
    const dir = await tempDir();
    const [http, grpcPort, health, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const taken = { receiver: http, health_check: health, metrics }[which];
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(taken, '127.0.0.1', res));
    try {
      const config = join(dir, 'taken.yaml');
      await writeFile(
        config,
        `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
      http: { endpoint: 127.0.0.1:${http} }
exporters:
  debug: {}
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
      );
      const d = runCli(['run', '--config', config]);
      const code = await Promise.race([d.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
      if (code === 'hung') await d.stop('SIGKILL');
      expect(code).not.toBe('hung');
      expect(code).not.toBe(0);
      expect(d.stderr()).toContain(`127.0.0.1:${taken}`);
      expect(d.stderr()).toMatch(/in use/i);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('/health', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it("answers 200 with the guide's JSON: timestamp, status and a check per component", async () => {
    const dir = await tempDir();
    const [http, health] = [await freePort(), await freePort()];
    daemon = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
processors:
  batch: {}
exporters:
  file: { path: ${join(dir, 'out.jsonl')} }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
      { dir },
    );
    const res = await fetch(`http://127.0.0.1:${health}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { timestamp: number; status: string; checks: Record<string, string> };
    expect(Object.keys(body).sort()).toEqual(['checks', 'status', 'timestamp']);
    expect(body.status).toBe('healthy');
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const keys = Object.keys(body.checks);
    for (const part of ['otlp', 'batch', 'file'])
      expect(
        keys.some((k) => k.includes(part)),
        `a check for ${part} in ${keys}`,
      ).toBe(true);
    expect(Object.values(body.checks).every((v) => v === 'healthy')).toBe(true);
    const missing = await fetch(`http://127.0.0.1:${health}/nope`);
    expect(missing.status).toBe(404);
  });
});

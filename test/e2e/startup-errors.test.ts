// Start-up and fatal errors (issue 11, item 5): an old Node gets one line naming the version
// and the fix; a port in use or a file that cannot be written is one FATAL line without a
// stack, and the process exits 1 within service.shutdown_timeout.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, runCli, tempDir } from './helpers/daemon.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The machine's own Node (the one on PATH before scripts/ensure-node.sh), if it is older than 22.18. */
function systemOldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const v = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    const [major, minor] = v.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return candidate;
  }
  return undefined;
}
const oldNode = systemOldNode();

describe('start-up', () => {
  it.skipIf(oldNode === undefined)(
    'with an old Node, the CLI exits 1 with one line naming the version and ensure-node.sh',
    async () => {
      const proc = spawn(oldNode!, [join(ROOT, 'bin/genrf-collector.js'), 'run', '--config', 'pipelines/default.yaml'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = await new Promise<number | null>((res) => proc.once('exit', (c) => res(c)));
      expect(code).toBe(1);
      const lines = err.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Node\.js 22\.18 or newer is required .*this is Node\.js 2\d\.\d+\.\d+.*source scripts\/ensure-node\.sh/);
    },
    90_000,
  );

  it('a port in use: one FATAL line naming the port, no stack, exit 1 within shutdown_timeout', async () => {
    const port = await freePort();
    const health = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((res) => holder.listen(port, '127.0.0.1', res));
    try {
      const dir = await tempDir();
      const config = join(dir, 'pipeline.yaml');
      await writeFile(
        config,
        `receivers:\n  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }\nexporters:\n  debug: {}\nextensions:\n  health_check: { endpoint: 127.0.0.1:${health} }\nservice:\n  extensions: [health_check]\n  shutdown_timeout: 2s\n  telemetry: { metrics: { address: "" } }\n  pipelines:\n    logs: { receivers: [otlp], exporters: [debug] }\n`,
      );
      const d = runCli(['run', '--config', config]);
      const code = await d.exited;
      const exitedAt = Date.now();
      expect(code).toBe(1);
      const bad = d
        .stderr()
        .split('\n')
        .filter((l) => /"level":"(FATAL|ERROR)"/.test(l));
      expect(bad).toHaveLength(1);
      // From the fatal line to the exit: within shutdown_timeout (2 s), with a second to spare.
      expect(exitedAt - Date.parse((JSON.parse(bad[0]) as { time: string }).time)).toBeLessThan(3000);
      expect(bad[0]).toMatch(new RegExp(`"level":"FATAL".*cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
      expect(d.stderr()).not.toMatch(/\\n\s+at |"stack"/);
    } finally {
      holder.close();
    }
  }, 90_000);

  it('a component start that never settles (file exporter on /proc): one FATAL line naming it after start_timeout, exit 1 within shutdown_timeout', async () => {
    const health = await freePort();
    const dir = await tempDir();
    const config = join(dir, 'pipeline.yaml');
    // A recursive mkdir under /proc never settles: the exporter's start hangs.
    await writeFile(
      config,
      `receivers:\n  otlp: { protocols: { http: { endpoint: 127.0.0.1:${await freePort()} } } }\nexporters:\n  file/stuck: { path: /proc/genrf/x.jsonl }\nextensions:\n  health_check: { endpoint: 127.0.0.1:${health} }\nservice:\n  extensions: [health_check]\n  start_timeout: 3s\n  shutdown_timeout: 2s\n  telemetry: { metrics: { address: "" } }\n  pipelines:\n    logs: { receivers: [otlp], exporters: [file/stuck] }\n`,
    );
    const d = runCli(['run', '--config', config]);
    const code = await d.exited;
    const exitedAt = Date.now();
    expect(code).toBe(1);
    const bad = d
      .stderr()
      .split('\n')
      .filter((l) => /"level":"(FATAL|ERROR)"/.test(l));
    expect(bad, d.stderr()).toHaveLength(1);
    expect(bad[0]).toMatch(/"level":"FATAL".*not starting: exporter\/file\/stuck[^"]* failed to start: did not start within 3000 ms \(service\.start_timeout\)/);
    expect(d.stderr()).not.toMatch(/\\n\s+at |"stack"/);
    // From the fatal line to the exit: within shutdown_timeout (2 s), with a second to spare.
    expect(exitedAt - Date.parse((JSON.parse(bad[0]) as { time: string }).time)).toBeLessThan(3000);
  }, 90_000);

  it('a file exporter that cannot open its file: one FATAL line, no stack, exit 1', async () => {
    const dir = await tempDir();
    const notADir = join(dir, 'plain-file');
    await writeFile(notADir, 'x');
    const config = join(dir, 'pipeline.yaml');
    await writeFile(
      config,
      `receivers:\n  otlp: { protocols: { http: { endpoint: 127.0.0.1:${await freePort()} } } }\nexporters:\n  file: { path: ${notADir}/logs.jsonl }\nservice:\n  shutdown_timeout: 2s\n  telemetry: { metrics: { address: "" } }\n  pipelines:\n    logs: { receivers: [otlp], exporters: [file] }\n`,
    );
    const d = runCli(['run', '--config', config]);
    expect(await d.exited).toBe(1);
    const bad = d
      .stderr()
      .split('\n')
      .filter((l) => /"level":"(FATAL|ERROR)"/.test(l));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/"level":"FATAL".*cannot open .*plain-file\/logs\.jsonl/);
    expect(d.stderr()).not.toMatch(/\\n\s+at |"stack"/);
  }, 90_000);
});

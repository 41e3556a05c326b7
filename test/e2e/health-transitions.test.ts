// Unhealthy states are logged (issue 11, item 6): a file exporter on a full disk (a real
// tmpfs, mounted here: the tests run as root) turns unhealthy and back once space is freed;
// each transition is one log line with the component and the reason.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor } from './helpers/daemon.ts';
import { logsRequest, postOtlp } from './helpers/otlp.ts';

const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* already gone */
    }
  }
});

function mountTmpfs(dir: string, kib: number): string | undefined {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
    mounts.push(dir);
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`;
  }
}

/** Fills the filesystem at `dir` until a write fails with ENOSPC. */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 7);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

type Line = { level: string; component?: string; reason?: string; msg: string };

describe('health transitions', () => {
  it('a disk-full file exporter: one WARN line naming the component and ENOSPC, one INFO line when it recovers', async (ctx) => {
    const dir = await tempDir();
    const fs = join(dir, 'small-fs');
    const why = mountTmpfs(fs, 512);
    if (why !== undefined) {
      if (process.env.CI) throw new Error(why);
      ctx.skip(why);
    }
    const otlp = await freePort();
    const out = join(fs, 'logs.jsonl');
    const d = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${otlp} } } }
exporters:
  file: { path: ${out}, flush_interval: 0s, retry_on_failure: { initial_interval: 100ms, max_interval: 200ms } }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [file] }
`,
      { dir, timeoutMs: 60_000 },
    );
    const lines = (): Line[] =>
      d
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
        .filter((l) => l.component === 'exporter/file@logs' && /unhealthy|healthy again/.test(l.msg));
    try {
      fillUp(join(fs, 'filler'));
      expect((await postOtlp(otlp, '/v1/logs', JSON.stringify(logsRequest('full', 5)))).status).toBe(200);
      await waitFor(() => lines().length >= 1, 45_000);
      rmSync(join(fs, 'filler'));
      await waitFor(() => lines().length >= 2, 45_000);
      const got = lines();
      expect(got).toHaveLength(2);
      expect(got[0]).toMatchObject({ level: 'WARN', component: 'exporter/file@logs' });
      expect(got[0].reason).toMatch(/ENOSPC|no space/i);
      expect(got[0].msg).toMatch(/^exporter\/file@logs is unhealthy: .*(ENOSPC|no space)/i);
      expect(got[1]).toMatchObject({ level: 'INFO', component: 'exporter/file@logs' });
      expect(got[1].msg).toMatch(/^exporter\/file@logs is healthy again after [\d.]+ s unhealthy/);
    } finally {
      expect(await d.stop()).toBe(0);
    }
    // Nothing more was logged about it while stopping.
    expect(lines()).toHaveLength(2);
  }, 90_000);
});

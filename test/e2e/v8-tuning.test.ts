// bin/genrf-collector.js starts `run` with the V8 heap setting of issue 15 (a larger initial
// old generation): the process replaces itself once, keeping its PID, with the flag added;
// the user's own flag and GENRF_V8_TUNING=off win.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from './helpers/daemon.ts';

const BIN = resolve(import.meta.dirname, '../../bin/genrf-collector.js');

/** Starts the shipped entry point, waits until the daemon runs, returns its command line, stops it. */
async function commandLine(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const dir = await tempDir();
  const config = join(dir, 'p.yaml');
  await writeFile(
    config,
    `receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:${await freePort()} } } } }
exporters: { debug: {} }
service:
  telemetry: { metrics: { address: 127.0.0.1:${await freePort()} } }
  pipelines: { traces: { receivers: [otlp], exporters: [debug] } }
`,
  );
  const base = { ...process.env };
  delete base.GENRF_V8_TUNING;
  delete base.NODE_OPTIONS;
  const proc = spawn(process.execPath, [...flags, BIN, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...base, ...env } });
  let stderr = '';
  proc.stderr.on('data', (b) => (stderr += b));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    await waitFor(
      () => stderr.includes('the daemon is running'),
      20_000,
      'the daemon to run',
      async () => {
        if (proc.exitCode !== null) throw new Error(`daemon exited with ${proc.exitCode}:\n${stderr}`);
      },
    );
    // The spawned PID is the daemon: replaced in place, not a parent waiting on a child.
    return readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0');
  } finally {
    proc.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
  }
}

describe.skipIf(process.platform !== 'linux')('V8 heap settings of the shipped entry point', () => {
  it('run gets --initial-old-space-size=64, in the same process', async () => {
    const argv = await commandLine([]);
    expect(argv).toContain('--initial-old-space-size=64');
    expect(argv).toContain(BIN);
  }, 40_000);

  it("the user's own flag wins, and GENRF_V8_TUNING=off keeps V8's defaults", async () => {
    const own = await commandLine(['--initial_old_space_size=32', '--max-semi-space-size=8']);
    expect(own.filter((a) => a.includes('old-space') || a.includes('old_space'))).toEqual(['--initial_old_space_size=32']);
    expect(own).toContain('--max-semi-space-size=8');
    const off = await commandLine([], { GENRF_V8_TUNING: 'off' });
    expect(off.some((a) => a.startsWith('--initial-old-space-size'))).toBe(false);
  }, 60_000);
});

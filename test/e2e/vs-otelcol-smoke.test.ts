// The side-by-side harness end to end, short: both daemons, scenario 1, one run each. It
// needs the otelcol and telemetrygen binaries that `npm run bench:vs-otelcol -- --build`
// caches; without them (a fresh machine, CI) it is skipped rather than building for minutes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBinaries } from '../../bench/vs-otelcol/build.ts';
import type { RunResult } from '../../bench/vs-otelcol/report.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('bench:vs-otelcol --smoke', () => {
  it.skipIf(!cachedBinaries())(
    'runs scenario 1 with both daemons and prints the ratios',
    async () => {
      const json = join(await mkdtemp(join(tmpdir(), 'vs-otelcol-smoke-')), 'out.json');
      const child = spawn(process.execPath, [join(ROOT, 'bench/vs-otelcol/run.ts'), '--smoke', '--json', json], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (err += b));
      const code = await new Promise((r) => child.once('exit', r));
      expect(code, err).toBe(0);
      const { results } = JSON.parse(await readFile(json, 'utf8')) as { results: RunResult[] };
      expect(results.map((r) => r.daemon).sort()).toEqual(['otelcol', 'ours']);
      for (const r of results) {
        expect(r.items, `${r.daemon} delivered nothing`).toBeGreaterThan(1000);
        expect(r.cpuSeconds).toBeGreaterThan(0);
        expect(r.peakRssMiB).toBeGreaterThan(5);
        expect(r.latenciesMs.length, `${r.daemon}: no probe reached the sink`).toBeGreaterThan(0);
      }
      expect(out).toMatch(/\| 1\. traces OTLP\/gRPC .*\*\*\d+\.\d\d×\*\*/);
    },
    180_000,
  );
});

// The multi-core prototype of docs/decisions.md (issue 15): N independent daemons, each with
// its own receiver, batch processor and exporter, fed by the same total load, against one
// daemon. It measures what process-per-core would buy before any code is written for it:
// whole-box spans/s, CPU seconds per 1M spans and the summed peak RSS.
//   node bench/vs-otelcol/multi-process.ts [--seconds 15] [--reps 2] [--workers 4]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT } from '../util.ts';
import { ensureBinaries } from './build.ts';
import { cpuSeconds, peakRssKiB, processTree } from './proc.ts';
import { SCENARIOS, type Ports } from './scenarios.ts';
import { Sink } from './sink.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, reps: { type: 'string', default: '2' }, workers: { type: 'string', default: '4' } } });
const seconds = Number(values.seconds);
const workers = Number(values.workers);
const bins = ensureBinaries();
execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const scenario = SCENARIOS.find((s) => s.id === 1)!;
const sink = new Sink();
await sink.listen();

const until = (ok: () => boolean, ms: number) =>
  new Promise<void>((res, rej) => {
    const end = Date.now() + ms;
    const t = setInterval(() => {
      if (ok()) res(clearInterval(t));
      else if (Date.now() > end) rej(new Error('timeout'));
    }, 100);
  });

function gen(port: number, n: number, secs: number): Promise<void> {
  const args = [
    'traces',
    '--otlp-endpoint',
    `127.0.0.1:${port}`,
    '--otlp-insecure',
    '--batch-size',
    '512',
    '--allow-export-failures',
    '--rate',
    '0',
    '--child-spans',
    '1',
    '--workers',
    String(n),
    '--duration',
    `${secs}s`,
  ];
  return new Promise((res) => spawn(bins.telemetrygen, args, { stdio: 'ignore' }).once('exit', () => res()));
}

async function run(n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'multi-'));
  const procs: ChildProcess[] = [];
  const ports: Ports[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const p: Ports = { grpc: await freePort(), http: await freePort(), metrics: await freePort(), sink: sink.port, extra: [] };
      const config = join(dir, `c${i}.yaml`);
      await writeFile(config, scenario.config('ours', p, dir));
      procs.push(spawn(process.execPath, [join(ROOT, 'bin/genrf-collector.js'), 'run', '--config', config], { stdio: 'ignore' }));
      ports.push(p);
    }
    // Warm-up until each daemon delivers, then the measured load: the same generator workers in total.
    for (const p of ports) {
      const before = sink.items;
      await Promise.all([gen(p.grpc, 1, 2), until(() => sink.items > before, 30_000)]);
    }
    await new Promise((r) => setTimeout(r, 1500));
    sink.take();
    const pids = (await Promise.all(procs.map((p) => processTree(p.pid!)))).flat();
    const cpu0 = await cpuSeconds(pids);
    const t0 = Date.now();
    // One generator process (one connection) per 2 workers, spread over the daemons.
    const gens: Promise<void>[] = [];
    for (let g = 0; g < workers / 2; g++) gens.push(gen(ports[g % n].grpc, 2, seconds));
    await Promise.all(gens);
    await new Promise((r) => setTimeout(r, 1500));
    const got = sink.take();
    const cpu = (await cpuSeconds(pids)) - cpu0;
    const rss = (await peakRssKiB(pids)) / 1024;
    const secs = (got.last - t0) / 1000;
    return `${n} daemon(s), ${workers} generator workers: ${Math.round(got.items / secs)} spans/s, ${((cpu / got.items) * 1e6).toFixed(2)} CPU s/1M, CPU ${((cpu / secs) * 100).toFixed(0)} % of a core, peak RSS ${rss.toFixed(0)} MiB (sum)`;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}

for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const n of rep % 2 === 0 ? [1, 2] : [2, 1]) console.log(await run(n));
}
await sink.close();

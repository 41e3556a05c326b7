// genrf-collector vs otelcol, side by side: `npm run bench:vs-otelcol [-- options]`.
// See README.md beside this file for what is measured and how.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT } from '../util.ts';
import { cachedBinaries, ensureBinaries, RELEASE, type Binaries } from './build.ts';
import { cpuSeconds, peakRssKiB, processTree } from './proc.ts';
import { SCENARIOS, type Daemon, type Ports, type Scenario } from './scenarios.ts';
import { Sink, startProbe } from './sink.ts';
import { summarise, table, type RunResult } from './report.ts';

const HELP = `usage: node bench/vs-otelcol/run.ts [options]
  --scenarios 1,2,3,4,5   which scenarios (default: all)
  --reps N                runs of each daemon per scenario, interleaved (default 2)
  --seconds S             load duration of each run (default 20)
  --warmup S              load before measuring, per run (default 3)
  --cpu-prof DIR          run our daemon under node --cpu-prof, profiles into DIR
  --json FILE             also write every run's figures to FILE
  --smoke                 scenario 1, 1 run each, 2 s; exits 0 with "skipped" when the
                          binaries are not built (it never builds)
  --build                 build (or find) the binaries and exit
  --daemons ours,otelcol  which daemons (default both; one alone to iterate on a change)
  --src                   run our daemon from src/ (Node strips the types) instead of the
                          compiled dist/ that bin/genrf-collector.js runs (built first)
  --stdout FILE           append our daemon's stdout to FILE (e.g. with --trace-gc)
  --node-options=FLAGS    extra node flags for our daemon (e.g. --node-options="--max-semi-space-size=4")`;

interface Opts {
  scenarios: Scenario[];
  reps: number;
  seconds: number;
  warmup: number;
  cpuProf?: string;
  json?: string;
  smoke: boolean;
  daemons: Daemon[];
  src: boolean;
  nodeOptions: string[];
  stdout?: string;
}

function parse(): Opts | 'build' {
  const { values } = parseArgs({
    options: {
      scenarios: { type: 'string' },
      reps: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'string' },
      smoke: { type: 'boolean' },
      build: { type: 'boolean' },
      help: { type: 'boolean' },
      daemons: { type: 'string' },
      src: { type: 'boolean' },
      'node-options': { type: 'string' },
      stdout: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (values.build) return 'build';
  const smoke = values.smoke ?? false;
  const ids = (values.scenarios ?? (smoke ? '1' : '1,2,3,4,5')).split(',').map(Number);
  const scenarios = ids.map((id) => {
    const s = SCENARIOS.find((x) => x.id === id);
    if (!s) throw new Error(`--scenarios: no scenario ${id} (1-${SCENARIOS.length})`);
    return s;
  });
  const num = (v: string | undefined, d: number, what: string): number => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${what}: not a number: ${v}`);
    return n;
  };
  const daemons = (values.daemons ?? 'ours,otelcol').split(',') as Daemon[];
  if (daemons.length === 0 || daemons.some((d) => d !== 'ours' && d !== 'otelcol')) throw new Error(`--daemons: ours and/or otelcol, not ${values.daemons}`);
  return {
    scenarios,
    smoke,
    daemons,
    src: values.src ?? false,
    stdout: values.stdout,
    nodeOptions: (values['node-options'] ?? '').split(' ').filter((x) => x !== ''),
    cpuProf: values['cpu-prof'],
    json: values.json,
    reps: num(values.reps, smoke ? 1 : 2, '--reps'),
    seconds: num(values.seconds, smoke ? 2 : 20, '--seconds'),
    warmup: num(values.warmup, smoke ? 0 : 3, '--warmup'),
  };
}

function waitPort(port: number, proc: ChildProcess, stderr: () => string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((res, rej) => {
    const attempt = (): void => {
      if (proc.exitCode !== null) return rej(new Error(`daemon exited (${proc.exitCode}):\n${stderr()}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) rej(new Error(`daemon not listening on ${port} after ${ms} ms:\n${stderr()}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function startDaemon(d: Daemon, bins: Binaries, config: string, env: Record<string, string>, o: Opts): { proc: ChildProcess; stderr: () => string } {
  // Ours as shipped: bin/genrf-collector.js runs the compiled dist/ (built in main); --src
  // runs the sources, whose type stripping alone costs ~18 MiB of resident memory.
  const entry = o.src ? join(ROOT, 'src/cli/main.ts') : join(ROOT, 'bin/genrf-collector.js');
  const flags = [...o.nodeOptions, ...(o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProf] : [])];
  const args = d === 'ours' ? [...flags, entry, 'run', '--config', config] : ['--config', config];
  const out = d === 'ours' && o.stdout !== undefined ? openSync(o.stdout, 'a') : 'ignore';
  const proc = spawn(d === 'ours' ? process.execPath : bins.otelcol, args, { stdio: ['ignore', out, 'pipe'], env: { ...process.env, ...env } });
  if (typeof out === 'number') closeSync(out);
  let err = '';
  proc.stderr!.on('data', (b) => {
    if (err.length < 20_000) err += b;
  });
  return { proc, stderr: () => err };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
}

/** telemetrygen runs, side by side; resolves when all have exited. */
async function load(bins: Binaries, argsList: string[][], seconds: number): Promise<void> {
  await Promise.all(
    argsList.map(
      (args) =>
        new Promise<void>((res, rej) => {
          const p = spawn(bins.telemetrygen, [...args, '--duration', `${seconds}s`], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          p.stderr!.on('data', (b) => {
            if (err.length < 20_000) err += b;
          });
          p.once('exit', (code) => (code === 0 ? res() : rej(new Error(`telemetrygen ${args.join(' ')} exited with ${code}:\n${err.slice(-2000)}`))));
        }),
    ),
  );
}

/** Sum of the daemon's otelcol_exporter_sent_{spans,log_records,metric_points} counters. */
async function sentFromMetrics(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (/^otelcol_exporter_sent_(spans|log_records|metric_points)(_total)?[{ ]/.test(line)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

/** Polls `count` until it has not moved for `quietMs`; returns the count and when it last moved. */
async function drain(count: () => Promise<number>, quietMs: number, capMs = 60_000): Promise<{ n: number; lastMove: number }> {
  let n = await count();
  let lastMove = Date.now();
  const start = Date.now();
  while (Date.now() - lastMove < quietMs && Date.now() - start < capMs) {
    await new Promise((r) => setTimeout(r, 250));
    const m = await count();
    if (m !== n) {
      n = m;
      lastMove = Date.now();
    }
  }
  return { n, lastMove };
}

async function runOnce(s: Scenario, d: Daemon, rep: number, bins: Binaries, sink: Sink, o: Opts): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), `vs-otelcol-${s.id}-${d}-`));
  const ports: Ports = { grpc: await freePort(), http: await freePort(), metrics: await freePort(), sink: sink.port, extra: [await freePort(), await freePort()] };
  const config = join(dir, 'config.yaml');
  await writeFile(config, s.config(d, ports, dir));
  const { proc, stderr } = startDaemon(d, bins, config, s.env?.(dir) ?? {}, o);
  try {
    const listening = s.load(ports)[0].includes('--otlp-http') ? ports.http : ports.grpc;
    await waitPort(listening, proc, stderr);
    await waitPort(ports.metrics, proc, stderr);
    const count = s.count === 'sink' ? async () => sink.items : () => sentFromMetrics(ports.metrics);
    if (o.warmup > 0) {
      await load(bins, s.load(ports), o.warmup);
      await drain(count, 1000);
    }
    const base = s.count === 'sink' ? 0 : await count();
    sink.take();
    const pids = await processTree(proc.pid!);
    const cpu0 = await cpuSeconds(pids);
    const t0 = Date.now();
    const fromUs = process.hrtime.bigint() / 1000n;
    const probe = s.probe ? startProbe(ports.grpc, s.probe, 50) : undefined;
    await load(bins, s.load(ports), o.seconds);
    const probesSent = (await probe?.stop()) ?? 0;
    const { n, lastMove } = await drain(count, 1500);
    const tree = await processTree(proc.pid!);
    const cpu = (await cpuSeconds(tree)) - cpu0;
    const rssKiB = await peakRssKiB(tree);
    // The load's window on the profile's clock (V8's and hrtime are both CLOCK_MONOTONIC), so
    // that profile-summary.ts leaves out start-up (module loading) and the warm-up.
    if (d === 'ours' && o.cpuProf) {
      await writeFile(join(o.cpuProf, `window-${proc.pid}.json`), JSON.stringify({ fromUs: Number(fromUs), toUs: Number(process.hrtime.bigint() / 1000n) }));
    }
    const got = s.count === 'sink' ? sink.take() : undefined;
    const items = n - base;
    const end = got ? got.last : lastMove;
    if (proc.exitCode !== null) throw new Error(`${d} exited during the run:\n${stderr()}`);
    return {
      scenario: s.id,
      daemon: d,
      rep,
      items,
      seconds: (end - t0) / 1000,
      cpuSeconds: cpu,
      peakRssMiB: rssKiB / 1024,
      latenciesMs: got?.latenciesMs ?? [],
      probesSent,
    };
  } finally {
    await stop(proc);
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parse();
  if (o === 'build') {
    const b = ensureBinaries();
    console.log(`otelcol: ${b.otelcol}\ntelemetrygen: ${b.telemetrygen}`);
    return;
  }
  const bins = o.smoke ? cachedBinaries() : ensureBinaries();
  if (!bins) {
    console.log('vs-otelcol: skipped (binaries not built: npm run bench:vs-otelcol -- --build)');
    return;
  }
  if (o.daemons.includes('ours') && !o.src) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const sink = new Sink();
  await sink.listen();
  const results: RunResult[] = [];
  try {
    for (const s of o.scenarios) {
      for (let rep = 0; rep < o.reps; rep++) {
        // Interleaved, and the order alternates so that neither daemon always goes first.
        const order = (rep % 2 === 0 ? (['ours', 'otelcol'] as const) : (['otelcol', 'ours'] as const)).filter((d) => o.daemons.includes(d));
        for (const d of order) {
          const r = await runOnce(s, d, rep, bins, sink, o);
          results.push(r);
          console.error(
            `vs-otelcol: scenario ${s.id} ${d} #${rep + 1}: ${r.items} items in ${r.seconds.toFixed(1)} s, cpu ${r.cpuSeconds.toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${r.latenciesMs.length}/${r.probesSent} probes`,
          );
        }
      }
    }
  } finally {
    await sink.close();
  }
  if (o.json) await writeFile(o.json, JSON.stringify({ release: RELEASE, results }, null, 2));
  console.log(table(summarise(results), o.scenarios));
}

await main();

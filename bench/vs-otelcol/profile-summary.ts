// Self time of a V8 .cpuprofile (from `--cpu-prof`), by function and by category:
// `node bench/vs-otelcol/profile-summary.ts DIR_OR_FILE [top]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  window?: { fromUs: number; toUs: number };
}

/** Coarse buckets for the question of issue 15: where does the pass-through CPU go? */
const CATEGORIES: [string, RegExp][] = [
  ['gRPC (grpc-js: calls, framing, metadata)', /@grpc\/grpc-js/],
  ['HTTP/2 and sockets (node internals)', /node:internal\/(http2|stream_base|net|streams|timers)|node:(http2|net)\b/],
  ['receiver, scan and batch (src/receivers, src/pdata, src/processors)', /\/src\/(receivers|pdata|processors)\//],
  ['exporter and queue (src/exporters, src/net)', /\/src\/(exporters|net)\//],
  ['pipeline engine (src/pipeline)', /\/src\/pipeline\//],
  ['self metrics and logs (src/telemetry, src/prom)', /\/src\/(telemetry|prom)\//],
  ['promises, microtasks, async hooks', /node:internal\/(process\/task_queues|async_hooks|promise)/],
];
const SPECIAL: Record<string, string> = { '(garbage collector)': 'garbage collector', '(program)': 'V8/native (program)', '(idle)': 'idle' };

/** The profiles in a directory (or one file), each with the load window run.ts wrote beside it. */
function load(path: string): Profile[] {
  const dir = statSync(path).isDirectory() ? path : join(path, '..');
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(path, f))
    : [path];
  return files.map((f) => {
    const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
    const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(f)?.[1];
    const w = join(dir, `window-${pid}.json`);
    if (pid && existsSync(w)) p.window = JSON.parse(readFileSync(w, 'utf8'));
    return p;
  });
}

export function summarise(profiles: Profile[]): { byFn: Map<string, number>; byCat: Map<string, number>; total: number } {
  const byFn = new Map<string, number>();
  const byCat = new Map<string, number>();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    let at = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i])!;
      const us = p.timeDeltas[i] ?? 0;
      at += us;
      if (p.window && (at < p.window.fromUs || at > p.window.toUs)) continue;
      const { functionName, url, lineNumber } = n.callFrame;
      if (functionName === '(idle)') continue;
      total += us;
      const short = url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '');
      const fn = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + us);
      const cat =
        SPECIAL[functionName] ?? CATEGORIES.find(([, re]) => re.test(url))?.[0] ?? (url.startsWith('node:') ? 'other node internals' : url ? 'other JavaScript' : 'native / builtins (no url)');
      byCat.set(cat, (byCat.get(cat) ?? 0) + us);
    }
  }
  return { byFn, byCat, total };
}

if (import.meta.main) {
  const [path, topArg] = process.argv.slice(2);
  if (!path) {
    console.error('usage: profile-summary.ts DIR_OR_FILE [top]');
    process.exit(2);
  }
  const profiles = load(path);
  const { byFn, byCat, total } = summarise(profiles);
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const windows = profiles.filter((p) => p.window).length;
  console.log(`busy samples: ${(total / 1e6).toFixed(1)} s (${windows}/${profiles.length} profiles cut to the measured load)\n\nby category (self time):`);
  for (const [k, v] of [...byCat].sort((a, b) => b[1] - a[1])) console.log(`${pct(v)}  ${k}`);
  console.log('\ntop functions (self time):');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) console.log(`${pct(v)}  ${k}`);
}

// Self time of a V8 .cpuprofile (from `--cpu-prof`), by function and by category:
// `node bench/vs-otelcol/profile-summary.ts DIR_OR_FILE [top]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

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

function load(path: string): Profile[] {
  if (!statSync(path).isDirectory()) return [JSON.parse(readFileSync(path, 'utf8'))];
  return readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => JSON.parse(readFileSync(join(path, f), 'utf8')));
}

export function summarise(profiles: Profile[]): { byFn: Map<string, number>; byCat: Map<string, number>; total: number } {
  const byFn = new Map<string, number>();
  const byCat = new Map<string, number>();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i])!;
      const us = p.timeDeltas[i] ?? 0;
      const { functionName, url, lineNumber } = n.callFrame;
      if (functionName === '(idle)') continue;
      total += us;
      const short = url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^file:\/\//, '');
      const fn = `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + us);
      const cat = SPECIAL[functionName] ?? CATEGORIES.find(([, re]) => re.test(url))?.[0] ?? (url.startsWith('node:') ? 'other node internals' : url ? 'other JavaScript' : 'native / builtins (no url)');
      byCat.set(cat, (byCat.get(cat) ?? 0) + us);
    }
  }
  return { byFn, byCat, total };
}

if (import.meta.main) {
  const [path, topArg] = process.argv.slice(2);
  if (!path) { console.error('usage: profile-summary.ts DIR_OR_FILE [top]'); process.exit(2); }
  const { byFn, byCat, total } = summarise(load(path));
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`busy samples: ${(total / 1e6).toFixed(1)} s\n\nby category (self time):`);
  for (const [k, v] of [...byCat].sort((a, b) => b[1] - a[1])) console.log(`${pct(v)}  ${k}`);
  console.log('\ntop functions (self time):');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) console.log(`${pct(v)}  ${k}`);
}

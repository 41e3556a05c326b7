// End to end: OTLP/HTTP protobuf -> batch -> file, through the real daemon as a child process.
// Reports accepted spans/s, the time until every span is in the file, and the daemon's RSS.
import { spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import { mkdtemp, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { benchTraces } from './spans.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface Figure { name: string; value: number; unit: string }

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? 0));
}

export async function runE2eBench(opts: { seconds?: number; spansPerRequest?: number; concurrency?: number } = {}): Promise<Figure[]> {
  const seconds = opts.seconds ?? 10;
  const perRequest = opts.spansPerRequest ?? 500;
  const concurrency = opts.concurrency ?? 8;
  const dir = await mkdtemp(join(tmpdir(), 'genrf-bench-'));
  const port = await freePort();
  const config = join(dir, 'bench.yaml');
  await writeFile(config, `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
processors:
  batch: { send_batch_size: 8192, timeout: 200ms }
exporters:
  file: { path: ${join(dir, 'traces.jsonl')} }
service:
  telemetry: { metrics: { address: "" }, logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [file] }
`);
  const daemon = spawn(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  daemon.stderr!.on('data', (d) => (stderr += d));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = Array.from({ length: 16 }, (_, k) => Buffer.from(encodeProto('traces', benchTraces(perRequest, k * perRequest))));
  const post = (body: Buffer) =>
    new Promise<number>((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      });
      req.on('error', rej);
      req.end(body);
    });
  // wait for the port
  for (let i = 0; ; i++) {
    try { await post(bodies[0]); break; } catch { if (i > 200) throw new Error(`daemon did not start:\n${stderr}`); await new Promise((r) => setTimeout(r, 50)); }
  }
  let accepted = perRequest;
  let refused = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  let k = 0;
  let peakRss = 0;
  const sampler = setInterval(() => { rssKiB(daemon.pid!, 'VmRSS').then((v) => { peakRss = Math.max(peakRss, v); }, () => {}); }, 250);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const status = await post(bodies[k++ % bodies.length]);
      if (status === 200) accepted += perRequest; else refused += perRequest;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.once('exit', r));
  agent.destroy();
  const size = (await stat(join(dir, 'traces.jsonl'))).size;
  return [
    { name: 'e2e OTLP/HTTP protobuf -> batch -> file (accepted)', value: Math.round((accepted - perRequest) / elapsed), unit: 'spans/s' },
    { name: 'e2e refused (429/503)', value: refused, unit: 'spans' },
    { name: 'e2e daemon peak RSS', value: Math.round(peakRss / 1024), unit: 'MiB' },
    { name: 'e2e file written', value: Math.round(size / 1024 / 1024), unit: 'MiB' },
  ];
}

if (import.meta.main) {
  for (const f of await runE2eBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}

// Durable delivery: the e2e pipeline (OTLP/HTTP protobuf -> batch -> file, the daemon as a
// child process) with the file exporter's queue in memory, on file_storage with
// fsync: interval, and with fsync: always, run in turn in the same process (rounds
// interleaved, so the machine's load hits all three alike). Reports each throughput, the
// ratio of each persistent figure to the in-memory one, and each daemon's peak RSS.
import { Agent } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { benchTraces } from './spans.ts';
import { freePort, protobufPoster, rssKiB, spawnDaemon, stopDaemon, untilListening, type Figure } from './util.ts';

type Mode = 'memory' | 'interval' | 'always';

async function once(mode: Mode, seconds: number, bodies: Buffer[], perRequest: number, concurrency: number): Promise<{ rate: number; rss: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'genrf-bench-durable-'));
  const port = await freePort();
  const config = join(dir, 'bench.yaml');
  const storage = mode === 'memory' ? '' : ', storage: file_storage';
  await writeFile(
    config,
    `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
processors:
  batch: { send_batch_size: 8192, timeout: 200ms }
exporters:
  file: { path: ${join(dir, 'traces.jsonl')}, sending_queue: { sizer: items, queue_size: 100000${storage} } }
extensions:
  file_storage: { directory: ${join(dir, 'queue')}, fsync: ${mode === 'memory' ? 'interval' : mode} }
service:
  extensions: [${mode === 'memory' ? '' : 'file_storage'}]
  telemetry: { metrics: { address: "" }, logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
  );
  const { daemon, stderr } = spawnDaemon(config);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = protobufPoster(port, '/v1/traces', agent);
  await untilListening(post, () => bodies[0], stderr);
  let accepted = 0;
  let k = 0;
  let peak = 0;
  const sampler = setInterval(() => {
    rssKiB(daemon.pid!, 'VmRSS').then(
      (v) => {
        peak = Math.max(peak, v);
      },
      () => {},
    );
  }, 250);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if ((await post(bodies[k++ % bodies.length])) === 200) accepted += perRequest;
        else await new Promise((r) => setTimeout(r, 100)); // backpressure: back off as an SDK does
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await stopDaemon(daemon);
  agent.destroy();
  await rm(dir, { recursive: true, force: true });
  return { rate: accepted / elapsed, rss: peak / 1024 };
}

export async function runDurableBench(opts: { seconds?: number; rounds?: number } = {}): Promise<Figure[]> {
  const seconds = opts.seconds ?? 6;
  const rounds = opts.rounds ?? 2;
  const perRequest = 500;
  const concurrency = 8;
  const bodies = Array.from({ length: 16 }, (_, k) => Buffer.from(encodeProto('traces', benchTraces(perRequest, k * perRequest))));
  const got: Record<Mode, { rate: number[]; rss: number }> = { memory: { rate: [], rss: 0 }, interval: { rate: [], rss: 0 }, always: { rate: [], rss: 0 } };
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['memory', 'interval', 'always'] as const) {
      const { rate, rss } = await once(mode, seconds, bodies, perRequest, concurrency);
      got[mode].rate.push(rate);
      got[mode].rss = Math.max(got[mode].rss, rss);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const m = mean(got.memory.rate);
  const i = mean(got.interval.rate);
  const a = mean(got.always.rate);
  return [
    { name: 'durable: in-memory queue (accepted)', value: Math.round(m), unit: 'spans/s' },
    { name: 'durable: file_storage, fsync interval (accepted)', value: Math.round(i), unit: 'spans/s' },
    { name: 'durable: file_storage, fsync always (accepted)', value: Math.round(a), unit: 'spans/s' },
    { name: 'durable: interval / in-memory (same run, target >= 0.7)', value: Number((i / m).toFixed(2)), unit: 'ratio' },
    { name: 'durable: always / in-memory (same run)', value: Number((a / m).toFixed(2)), unit: 'ratio' },
    { name: 'durable: peak RSS in-memory / interval / always', value: Math.round(got.memory.rss), unit: `MiB / ${Math.round(got.interval.rss)} MiB / ${Math.round(got.always.rss)} MiB` },
  ];
}

if (import.meta.main) {
  for (const f of await runDurableBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}

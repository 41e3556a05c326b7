// End to end: OTLP/HTTP protobuf -> batch -> file, through the real daemon as a child process.
// Reports accepted spans/s, the time until every span is in the file, and the daemon's RSS.
import { Agent } from 'node:http';
import { mkdtemp, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { benchTraces } from './spans.ts';
import { freePort, protobufPoster, rssKiB, spawnDaemon, stopDaemon, untilListening, type Figure } from './util.ts';

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
  file: { path: ${join(dir, 'traces.jsonl')}, sending_queue: { sizer: items, queue_size: 100000 } }
service:
  telemetry: { metrics: { address: "" }, logs: { level: warn } }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [file] }
`);
  const { daemon, stderr } = spawnDaemon(config);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = Array.from({ length: 16 }, (_, k) => Buffer.from(encodeProto('traces', benchTraces(perRequest, k * perRequest))));
  const post = protobufPoster(port, '/v1/traces', agent);
  await untilListening(post, () => bodies[0], stderr);
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
      if (status === 200) accepted += perRequest;
      else {
        // A refusal (429/503 while the exporter queue is full) is backpressure: back off
        // briefly, as an SDK does, instead of hammering the daemon with retries.
        refused += perRequest;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await stopDaemon(daemon);
  agent.destroy();
  const size = (await stat(join(dir, 'traces.jsonl'))).size;
  return [
    { name: 'e2e OTLP/HTTP protobuf -> batch -> file (accepted)', value: Math.round((accepted - perRequest) / elapsed), unit: 'spans/s' },
    { name: 'e2e refused (429/503, client backs off 100 ms)', value: refused, unit: 'spans' },
    { name: 'e2e daemon peak RSS', value: Math.round(peakRss / 1024), unit: 'MiB' },
    { name: 'e2e file written', value: Math.round(size / 1024 / 1024), unit: 'MiB' },
  ];
}

if (import.meta.main) {
  for (const f of await runE2eBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}

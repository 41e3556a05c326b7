// End to end: OTLP/HTTP protobuf into the real daemon as a child process, two pipelines:
//   batch    otlp -> batch -> file (the fast path alone)
//   default  pipelines/default.yaml as shipped (memory_limiter, resourcedetection, resource/env,
//            batch, file/traces), with only its listen ports moved to free ones and
//            GENRF_DATA_DIR in a temporary directory.
// Reports accepted spans/s, the daemon's peak RSS and what was written.
//
// `node bench/e2e.bench.ts --old <tree>` measures default.yaml of this tree and of <tree> (e.g.
// a worktree of main) interleaved in one run, for an old/new ratio on a busy machine.
import { Agent } from 'node:http';
import { mkdtemp, readFile, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { benchTraces } from './spans.ts';
import { freePort, protobufPoster, ROOT, rssKiB, spawnDaemon, stopDaemon, untilListening, type Figure } from './util.ts';

export type E2ePipeline = 'batch' | 'default';

export interface E2eOptions {
  seconds?: number;
  spansPerRequest?: number;
  concurrency?: number;
  pipeline?: E2ePipeline;
  /** The tree whose daemon runs (default: this one). */
  root?: string;
}

const BATCH_ONLY = (port: number, dir: string) => `
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
`;

/** pipelines/default.yaml with its fixed 127.0.0.1 ports replaced by free ones; the HTTP port first. */
async function shippedDefault(root: string): Promise<{ text: string; httpPort: number }> {
  let text = await readFile(join(root, 'pipelines/default.yaml'), 'utf8');
  let httpPort = 0;
  for (const fixed of [4318, 4317, 8888, 8889, 13133]) {
    const port = await freePort();
    if (fixed === 4318) httpPort = port;
    text = text.replaceAll(`127.0.0.1:${fixed}`, `127.0.0.1:${port}`);
  }
  return { text, httpPort };
}

export async function runE2eOnce(opts: E2eOptions = {}): Promise<{ spansPerSecond: number; refused: number; peakRssMiB: number; fileMiB: number }> {
  const seconds = opts.seconds ?? 10;
  const perRequest = opts.spansPerRequest ?? 500;
  const concurrency = opts.concurrency ?? 8;
  const root = opts.root ?? ROOT;
  const dir = await mkdtemp(join(tmpdir(), 'genrf-bench-'));
  const config = join(dir, 'bench.yaml');
  let port: number;
  if (opts.pipeline === 'default') {
    const shipped = await shippedDefault(root);
    port = shipped.httpPort;
    await writeFile(config, shipped.text);
  } else {
    port = await freePort();
    await writeFile(config, BATCH_ONLY(port, dir));
  }
  const { daemon, stderr } = spawnDaemon(config, { root, env: { GENRF_DATA_DIR: dir, GENRF_ENV: 'bench' } });
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
  const sampler = setInterval(() => {
    rssKiB(daemon.pid!, 'VmRSS').then(
      (v) => {
        peakRss = Math.max(peakRss, v);
      },
      () => {},
    );
  }, 250);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
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
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await stopDaemon(daemon);
  agent.destroy();
  const size = (await stat(join(dir, 'traces.jsonl'))).size;
  return { spansPerSecond: Math.round((accepted - perRequest) / elapsed), refused, peakRssMiB: Math.round(peakRss / 1024), fileMiB: Math.round(size / 1024 / 1024) };
}

/** Both pipelines, one after the other, in one run. */
export async function runE2eBench(opts: Omit<E2eOptions, 'pipeline'> = {}): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const [pipeline, label] of [
    ['batch', 'batch -> file'],
    ['default', 'pipelines/default.yaml'],
  ] as const) {
    const r = await runE2eOnce({ ...opts, pipeline });
    out.push(
      { name: `e2e OTLP/HTTP protobuf -> ${label} (accepted)`, value: r.spansPerSecond, unit: 'spans/s' },
      { name: `e2e ${pipeline}: refused (429/503, client backs off 100 ms)`, value: r.refused, unit: 'spans' },
      { name: `e2e ${pipeline}: daemon peak RSS`, value: r.peakRssMiB, unit: 'MiB' },
      { name: `e2e ${pipeline}: file written`, value: r.fileMiB, unit: 'MiB' },
    );
  }
  return out;
}

if (import.meta.main) {
  const at = process.argv.indexOf('--old');
  if (at < 0) {
    for (const f of await runE2eBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
  } else {
    // Interleaved A/B: batch-only (new), default.yaml (new), default.yaml (old), `rounds` times.
    const old = process.argv[at + 1];
    const rounds = Number(process.env.ROUNDS ?? 2);
    for (let i = 0; i < rounds; i++) {
      const batch = await runE2eOnce({ pipeline: 'batch' });
      const fresh = await runE2eOnce({ pipeline: 'default' });
      const before = await runE2eOnce({ pipeline: 'default', root: old });
      console.log(
        `round ${i + 1}: batch-only ${batch.spansPerSecond} spans/s; default.yaml new ${fresh.spansPerSecond} spans/s (refused ${fresh.refused}, RSS ${fresh.peakRssMiB} MiB), old ${before.spansPerSecond} spans/s (refused ${before.refused}, RSS ${before.peakRssMiB} MiB); new/old ${(fresh.spansPerSecond / before.spansPerSecond).toFixed(2)}`,
      );
    }
  }
}

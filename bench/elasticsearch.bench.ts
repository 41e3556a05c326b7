// Elasticsearch exporter, end to end: OTLP/HTTP protobuf logs with genRF attributes -> the
// daemon (a child process) -> the real Elasticsearch of scripts/services, in `genrf` mode.
// Reports documents indexed per second (from the first request until Elasticsearch counts
// them all) and the daemon's CPU time per 1,000 documents (user + system, from /proc).
// Skips with a message when Elasticsearch is not up.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProto } from '../src/pdata/proto/index.ts';
import type { KeyValue, LogsData } from '../src/pdata/types.ts';
import { freePort, protobufPoster, ROOT, spawnDaemon, stopDaemon, untilListening, type Figure } from './util.ts';

const TICKS_PER_S = 100; // Linux USER_HZ

function esUrl(): string {
  if (process.env.ELASTICSEARCH_URL) return process.env.ELASTICSEARCH_URL;
  const file = join(ROOT, '.services.env');
  const line = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('ELASTICSEARCH_URL='))
    : undefined;
  return line?.slice('ELASTICSEARCH_URL='.length).trim() ?? 'http://127.0.0.1:9200';
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const CIRCUITS = ['LNA', 'Mixer', 'VCO', 'PA'];

function genrfLogs(n: number, offset: number): LogsData {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceLogs: [
      {
        resource: { attributes: [s('service.name', 'genrf-worker'), s('host.name', 'bench')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'genrf.generation', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: Array.from({ length: n }, (_, i) => ({
              timeUnixNano: now + BigInt(i),
              observedTimeUnixNano: 0n,
              severityNumber: i % 10 === 0 ? 17 : 9,
              severityText: '',
              body: { stringValue: `generation ${offset + i} complete: 12 candidates, best NF 1.3 dB` },
              attributes: [
                s('circuit_type', CIRCUITS[i % 4]),
                s('technology', 'tsmc65'),
                s('user_id', `u-${i % 50}`),
                s('session_id', `s-${offset + i}`),
                s('spice_engine', 'ngspice'),
                { key: 'generation_time', value: { doubleValue: (i % 600) + 0.5 } },
                s('request_id', `r-${offset + i}`),
              ],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: '',
              spanId: '',
              eventName: '',
            })),
          },
        ],
      },
    ],
  };
}

async function esCount(url: string, index: string): Promise<number> {
  try {
    await fetch(`${url}/${index}/_refresh`, { method: 'POST' });
    const res = await fetch(`${url}/${index}/_count`);
    return res.ok ? ((await res.json()) as { count: number }).count : 0;
  } catch {
    return 0;
  }
}

export async function runElasticsearchBench(opts: { documents?: number; perRequest?: number; concurrency?: number } = {}): Promise<Figure[]> {
  const url = esUrl();
  const up = await fetch(`${url}/_cluster/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) {
    console.log(`elasticsearch bench skipped: no Elasticsearch at ${url} (run scripts/services/up elasticsearch)`);
    return [];
  }
  const total = opts.documents ?? 200_000;
  const perRequest = opts.perRequest ?? 1000;
  const concurrency = opts.concurrency ?? 4;
  const index = `logs-genrf.bench${Math.random().toString(36).slice(2, 8)}-default`;
  const dir = await mkdtemp(join(tmpdir(), 'genrf-es-bench-'));
  const port = await freePort();
  const config = join(dir, 'bench.yaml');
  await writeFile(
    config,
    `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
exporters:
  elasticsearch:
    endpoints: [${url}]
    logs_index: ${index}
    mapping: { mode: genrf }
    flush: { bytes: 5000000, interval: 1s }
service:
  telemetry: { metrics: { address: "" }, logs: { level: warn } }
  pipelines:
    logs: { receivers: [otlp], exporters: [elasticsearch] }
`,
  );
  const { daemon, stderr } = spawnDaemon(config);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = Array.from({ length: 8 }, (_, k) => Buffer.from(encodeProto('logs', genrfLogs(perRequest, k * perRequest))));
  const post = protobufPoster(port, '/v1/logs', agent);
  try {
    await untilListening(post, () => Buffer.from(encodeProto('logs', genrfLogs(1, -1))), stderr);
    // The warm-up document creates the index (and its template) before timing starts.
    while ((await esCount(url, index)) < 1) await new Promise((r) => setTimeout(r, 200));
    const cpu0 = await cpuTicks(daemon.pid!);
    const started = performance.now();
    let accepted = 0;
    let k = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (accepted + perRequest <= total) {
          const status = await post(bodies[k++ % bodies.length]);
          if (status === 200) accepted += perRequest;
          else await new Promise((r) => setTimeout(r, 100)); // refused (queue full): back off like a client
        }
      }),
    );
    const acceptedIn = (performance.now() - started) / 1000;
    const deadline = Date.now() + 300_000;
    while ((await esCount(url, index)) < accepted + 1) {
      if (Date.now() > deadline) throw new Error(`only ${await esCount(url, index)} of ${accepted + 1} documents indexed after 300 s:\n${stderr().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = ((await cpuTicks(daemon.pid!)) - cpu0) / TICKS_PER_S;
    return [
      { name: `elasticsearch genrf mode, ${accepted} documents indexed`, value: Math.round(accepted / elapsed), unit: 'documents/s' },
      { name: 'elasticsearch accepted by the daemon (before indexing ends)', value: Math.round(accepted / acceptedIn), unit: 'documents/s' },
      { name: 'elasticsearch daemon CPU per 1,000 documents', value: Math.round(((cpu * 1000 * 1000) / accepted) * 10) / 10, unit: 'ms' },
    ];
  } finally {
    await stopDaemon(daemon);
    agent.destroy();
    await fetch(`${url}/_data_stream/${index}`, { method: 'DELETE' }).catch(() => {});
  }
}

if (import.meta.main) {
  for (const f of await runElasticsearchBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}

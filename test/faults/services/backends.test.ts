// Fault matrix, part 5 (with the real services, under their lock: it stops them): real
// Elasticsearch and real Jaeger stopped, the daemon killed with kill -9 during the outage
// and started again, then both backends restarted. With persistent queues on both
// exporters, every record acknowledged reaches its backend.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { tempDir, type Daemon } from '../../e2e/helpers/daemon.ts';
import { describeService, eventually, REPO_ROOT, requireService } from '../../services/helpers/services.ts';
import { kill9, LONG, ports, settled, start, writeConfig, type Ports } from '../helpers/daemon.ts';
import { NumberedLoad } from '../helpers/load.ts';
import { formatTally, tally } from '../helpers/tally.ts';
import { record } from '../helpers/report.ts';

const run = promisify(execFile);
const es = await requireService('elasticsearch');
const jaeger = await requireService('jaeger');
const both = es.ok ? jaeger : es;
const OUTAGE_MS = LONG ? 30_000 : 12_000;
const RUN = Math.random().toString(36).slice(2, 8);
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function config(p: Ports, dir: string, env: Record<string, string>, index: string): string {
  return `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${p.otlp} } } }
processors:
  batch: { send_batch_size: 2048, timeout: 100ms }
exporters:
  elasticsearch/faults:
    endpoints: [${env.ELASTICSEARCH_URL}]
    logs_index: ${index}
    mapping: { mode: genrf }
    sending_queue: { storage: file_storage, queue_size: 1000000 }
    retry_on_failure: { initial_interval: 200ms, max_interval: 2s, max_elapsed_time: 0 }
  jaeger:
    endpoint: ${env.JAEGER_OTLP_GRPC_ENDPOINT}
    tls: { insecure: true }
    sending_queue: { storage: file_storage, queue_size: 1000000 }
    retry_on_failure: { initial_interval: 200ms, max_interval: 2s, max_elapsed_time: 0 }
extensions:
  file_storage: { directory: ${join(dir, 'queue')}, fsync: always }
  health_check: { endpoint: 127.0.0.1:${p.health} }
service:
  extensions: [file_storage, health_check]
  telemetry: { metrics: { address: 127.0.0.1:${p.metrics} }, logs: { level: info } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [elasticsearch/faults] }
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger] }
`;
}

async function esCall(url: string, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** How often each `<tag>-<n>` is in the index (every document read with a scroll). */
async function countInEs(url: string, index: string, tag: string, size: number): Promise<Uint16Array> {
  const counts = new Uint16Array(size);
  const re = new RegExp(`"${tag}-(\\d+)"`, 'g');
  try {
    await esCall(url, 'POST', `/${index}/_refresh`);
  } catch {
    return counts; // not created yet
  }
  let page = await esCall(url, 'POST', `/${index}/_search?scroll=1m`, { size: 5000, query: { match_all: {} } });
  while (page.hits.hits.length > 0) {
    for (const m of JSON.stringify(page.hits.hits).matchAll(re)) if (Number(m[1]) < size) counts[Number(m[1])]++;
    page = await esCall(url, 'POST', '/_search/scroll', { scroll: '1m', scroll_id: page._scroll_id });
  }
  return counts;
}

/** How often each span `<tag>-<n>` is in Jaeger (the v1 API, by service). */
async function countInJaeger(query: string, service: string, size: number): Promise<Uint16Array> {
  const counts = new Uint16Array(size);
  const res = await fetch(`${query}/api/traces?${new URLSearchParams({ service, limit: '100000', lookback: '2h' })}`);
  if (!res.ok) return counts;
  const body = (await res.json()) as Json;
  for (const t of body.data ?? []) {
    for (const s of t.spans) {
      const m = /-(\d+)$/.exec(s.operationName);
      if (m && Number(m[1]) < size) counts[Number(m[1])]++;
    }
  }
  return counts;
}

describeService(both, 'fault matrix: Elasticsearch and Jaeger stopped, the daemon killed during the outage', (env) => {
  const index = `logs-genrf.faults${RUN}-default`;
  const daemons: Daemon[] = [];
  afterAll(async () => {
    for (const d of daemons) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
    // Whatever happened, the shared services are left running.
    await run(join(REPO_ROOT, 'scripts/services/up'), ['elasticsearch', 'jaeger'], { timeout: 300_000 }).catch(() => {});
    await esCall(env.ELASTICSEARCH_URL!, 'DELETE', `/_data_stream/${index}`).catch(() => {});
  });

  it(`both backends down ${OUTAGE_MS / 1000} s, kill -9 during the outage, both back: nothing acknowledged is lost`, async () => {
    const dir = await tempDir('genrf-fault-');
    const p = await ports();
    const path = await writeConfig(dir, config(p, dir, env, index));
    daemons.push(await start(path));
    const logs = new NumberedLoad({ port: p.otlp, rate: 2_000, tag: `faultlog${RUN}` }).start();
    const traces = new NumberedLoad({ port: p.otlp, rate: 500, tag: `faultspan${RUN}`, signal: 'traces', perRequest: 50, concurrency: 4 }).start();
    await new Promise((r) => setTimeout(r, 2000));

    await run(join(REPO_ROOT, 'scripts/services/down'), ['elasticsearch', 'jaeger'], { timeout: 120_000 });
    const outageStart = Date.now();
    // Jaeger keeps spans in memory: only those sent from the stop on can be found after it.
    const spansFrom = traces.issued;
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
    await kill9(daemons[0]);
    const second = await start(path);
    daemons.push(second);
    await new Promise((r) => setTimeout(r, Math.max(0, outageStart + OUTAGE_MS - Date.now())));
    await run(join(REPO_ROOT, 'scripts/services/up'), ['elasticsearch', 'jaeger'], { timeout: 300_000 });
    await new Promise((r) => setTimeout(r, 2000));
    await logs.stop();
    await traces.stop();

    const esCounts = () => countInEs(env.ELASTICSEARCH_URL!, index, logs.tag, logs.issued);
    const jCounts = async () => {
      const c = await countInJaeger(env.JAEGER_QUERY_URL!, traces.tag, traces.issued);
      return c;
    };
    await settled(p.metrics, async () => tally(logs.acked, logs.issued, await esCounts()).delivered + tally(traces.acked, traces.issued, await jCounts()).delivered, 300_000);
    const tl = tally(logs.acked, logs.issued, await esCounts());
    // Spans acknowledged before the stop were in Jaeger's memory, gone with its restart.
    const spanAcked = traces.acked.slice();
    spanAcked.fill(0, 0, spansFrom);
    const tt = await eventually(
      'every span acknowledged since the stop in Jaeger',
      async () => {
        const t = tally(spanAcked, traces.issued, await jCounts());
        return t.lost === 0 ? t : undefined;
      },
      60_000,
      2000,
    ).catch(async () => tally(spanAcked, traces.issued, await jCounts()));
    console.log(formatTally('Elasticsearch down, kill -9, back (logs)', tl));
    console.log(formatTally('Jaeger down, kill -9, back (spans sent from the stop on)', tt));
    record('backends stopped, kill -9 during the outage: Elasticsearch logs', tl, { outageMs: OUTAGE_MS });
    record('backends stopped, kill -9 during the outage: Jaeger spans', tt, { outageMs: OUTAGE_MS });
    expect(tl.acknowledged).toBeGreaterThan(0);
    expect(tt.acknowledged).toBeGreaterThan(0);
    expect(tl.lost, `logs lost, e.g. ${tl.lostSample.join(', ')}`).toBe(0);
    expect(tt.lost, `spans lost, e.g. ${tt.lostSample.join(', ')}`).toBe(0);
    expect(second.stderr()).toMatch(/unsent records from an earlier run/);
  }, 900_000);
});

// The elasticsearch exporter against the real Elasticsearch of scripts/services (and the
// real Python OpenTelemetry SDK with structlog, as the genRF workers log). One file, run in
// order: the outage test stops Elasticsearch, which the other tests must not see.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { freePort, startDaemon, type Daemon } from '../e2e/helpers/daemon.ts';
import { describeService, eventually, REPO_ROOT, requireService, servicesRequired } from './helpers/services.ts';

const run = promisify(execFile);
const es = await requireService('elasticsearch');
const py = await requireService('python-otel');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const RUN = Math.random().toString(36).slice(2, 8);
const created: string[] = [];

async function esCall(url: string, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

async function search(url: string, index: string, body: unknown): Promise<Json> {
  await esCall(url, 'POST', `/${index}/_refresh`);
  return esCall(url, 'POST', `/${index}/_search`, body);
}

async function count(url: string, index: string, q?: string): Promise<number> {
  try {
    await esCall(url, 'POST', `/${index}/_refresh`);
    return (await esCall(url, 'POST', `/${index}/_count`, q ? { query: { query_string: { query: q } } } : undefined)).count;
  } catch {
    return -1; // not created yet
  }
}

async function waitForCount(url: string, index: string, n: number, timeoutMs = 30_000): Promise<void> {
  let last = -1;
  await eventually(`${n} documents in ${index} (last count ${last})`, async () => ((last = await count(url, index)) >= n ? true : undefined), timeoutMs);
}

function pipeline(opts: { esUrl: string; http: number; metrics: number; health: number; logsIndex: string; tracesIndex: string; deadLetter: string; extra?: string }): string {
  return `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${opts.http} }
exporters:
  elasticsearch/t:
    endpoints: [${opts.esUrl}]
    logs_index: ${opts.logsIndex}
    traces_index: ${opts.tracesIndex}
    mapping: { mode: genrf }
    flush: { interval: 200ms }
    dead_letter: { path: ${opts.deadLetter} }
${opts.extra ?? ''}
extensions:
  health_check: { endpoint: 127.0.0.1:${opts.health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${opts.metrics} }, logs: { level: info } }
  pipelines:
    logs: { receivers: [otlp], exporters: [elasticsearch/t] }
    traces: { receivers: [otlp], exporters: [elasticsearch/t] }
`;
}

async function daemonFor(esUrl: string, name: string, extra?: string): Promise<{ d: Daemon; http: number; metrics: number; health: number; logs: string; traces: string; deadLetter: string }> {
  const [http, metrics, health] = [await freePort(), await freePort(), await freePort()];
  const dir = await mkdtemp(join(tmpdir(), 'genrf-es-'));
  const logs = `logs-genrf.${name}${RUN}-default`;
  const traces = `traces-genrf.${name}${RUN}-default`;
  created.push(logs, traces);
  const deadLetter = join(dir, 'dead.jsonl');
  const d = await startDaemon(pipeline({ esUrl, http, metrics, health, logsIndex: logs, tracesIndex: traces, deadLetter, extra }), { dir });
  return { d, http, metrics, health, logs, traces, deadLetter };
}

// A genRF worker: structlog on the standard library, the OpenTelemetry logging handler and
// OTLP/HTTP exporters; bound key-values become log record attributes.
const WORKER = String.raw`
import logging, sys, structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

endpoint = sys.argv[1]
resource = Resource.create({"service.name": "genrf-worker"})
logs = LoggerProvider(resource=resource)
logs.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=endpoint + "/v1/logs")))
root = logging.getLogger()
root.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=logs))
root.setLevel(logging.DEBUG)
structlog.configure(
    processors=[structlog.stdlib.render_to_log_kwargs],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
)
tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
tracer = tracer_provider.get_tracer("genrf.generation")

spice = structlog.get_logger("genrf.spice")
gen = structlog.get_logger("genrf.generation")
with tracer.start_as_current_span("generate_circuit", attributes={"circuit_type": "LNA", "technology": "tsmc65", "user_id": "u-1"}) as span:
    with tracer.start_as_current_span("spice.simulate", attributes={"spice_engine": "ngspice"}):
        spice.error("convergence failure in transient analysis", circuit_type="LNA", technology="tsmc65", user_id="u-1", session_id="s-1", spice_engine="ngspice", generation_time=12.5, netlist="lna.cir")
    print(format(span.get_span_context().trace_id, "032x"))
spice.error("convergence failure at t=3ns", circuit_type="Mixer", technology="gf22", user_id="u-2", spice_engine="spectre")
spice.warning("timestep too small", circuit_type="LNA", technology="tsmc65", user_id="u-1")
gen.info("generation complete", circuit_type="LNA", technology="tsmc65", user_id="u-1", generation_time=412.0)
gen.info("generation complete", circuit_type="VCO", technology="tsmc65", user_id="u-3", generation_time=95.5)
gen.error("generation failed", circuit_type="LNA", technology="tsmc65", user_id="u-3", generation_time=301.25)
tracer_provider.shutdown()
logs.shutdown()
`;

/**
 * How many documents carry each `attributes.seq`, read from every document's source. Not a
 * `cardinality` aggregation: on Elasticsearch 9.5.3 it undercounts a keyed `flattened`
 * sub-field (its default global-ordinals path) once the shard has several segments, e.g.
 * 3660 of 3780 distinct values, while `execution_hint: direct`, a `terms` aggregation or the
 * same field after a force-merge count all 3780.
 */
async function seqCounts(url: string, index: string): Promise<Map<number, number>> {
  // The outage test indexes a few thousand documents: one page of at most
  // index.max_result_window (10 000).
  const page = await search(url, index, { size: 10_000, track_total_hits: true, _source: ['attributes.seq'], query: { match_all: {} } });
  if (page.hits.total.value > 10_000) throw new Error(`${page.hits.total.value} documents in ${index}: more than one page; page through them`);
  const seen = new Map<number, number>();
  for (const h of page.hits.hits as Json[]) {
    const n = Number(h._source.attributes?.seq);
    seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  return seen;
}

/** On failure: which sequence numbers are missing or doubled, the drop counters and the daemon's warnings. */
async function printOutageDiagnostics(seen: Map<number, number>, t: { d: Daemon; metrics: number }, accepted: number[]): Promise<void> {
  const ranges = (nums: number[]) => {
    const out: string[] = [];
    for (let i = 0; i < nums.length; i++) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
      out.push(i === j ? `${nums[i]}` : `${nums[i]}-${nums[j]}`);
      i = j;
    }
    return out.join(', ');
  };
  const missing = accepted.filter((n) => !seen.has(n)).sort((a, b) => a - b);
  const doubled = [...seen]
    .filter(([, c]) => c > 1)
    .map(([n]) => n)
    .sort((a, b) => a - b);
  const metrics = await (await fetch(`http://127.0.0.1:${t.metrics}/metrics`)).text().catch(() => '');
  const warns = t.d
    .stderr()
    .split('\n')
    .filter((l) => /"level":(40|50)|"level":"(warn|error)"/.test(l));
  console.log(
    [
      `missing seqs (${missing.length}): ${ranges(missing)}`,
      `doubled seqs (${doubled.length}): ${ranges(doubled)}`,
      'metrics:',
      ...metrics.split('\n').filter((l) => /dropped_items|exporter_(sent|send_failed|enqueue_failed)/.test(l) && !l.startsWith('#')),
      `daemon warnings (${warns.length}):`,
      ...warns.slice(0, 60),
    ].join('\n'),
  );
}

describeService(es, 'elasticsearch exporter (real Elasticsearch)', (env) => {
  const url = env.ELASTICSEARCH_URL!;

  afterAll(async () => {
    for (const name of created) {
      await esCall(url, 'DELETE', `/_data_stream/${name}`).catch(() => {});
      await esCall(url, 'DELETE', `/_index_template/genrf-collector.${name}`).catch(() => {});
    }
  });

  // Without the Python SDK this part cannot run; under REQUIRE_SERVICES=1 that is a failure.
  it.skipIf(!py.ok && !servicesRequired())(
    "genRF worker logs (Python SDK + structlog) land with the guide's mapping, and the guide's queries find them",
    async () => {
      if (!py.ok) throw new Error(`python-otel is required: ${py.reason}`);
      const t = await daemonFor(url, 'py');
      try {
        const dir = await mkdtemp(join(tmpdir(), 'genrf-worker-'));
        await writeFile(join(dir, 'worker.py'), WORKER);
        const { stdout } = await run(py.env.OTEL_PYTHON!, [join(dir, 'worker.py'), `http://127.0.0.1:${t.http}`], { timeout: 60_000 });
        const traceId = stdout.trim();
        await waitForCount(url, t.logs, 6);

        // The guide's field types, from the template the exporter installed.
        const mapping: Json = Object.values(await esCall(url, 'GET', `/${t.logs}/_mapping`))[0];
        const types = Object.fromEntries(Object.entries(mapping.mappings.properties as Record<string, Json>).map(([k, v]) => [k, v.type]));
        expect(types).toMatchObject({
          timestamp: 'date',
          level: 'keyword',
          logger: 'keyword',
          message: 'text',
          circuit_type: 'keyword',
          technology: 'keyword',
          user_id: 'keyword',
          session_id: 'keyword',
          spice_engine: 'keyword',
          generation_time: 'float',
        });

        const hits = async (q: string) => (await search(url, t.logs, { size: 50, query: { query_string: { query: q } } })).hits.hits.map((h: Json) => h._source);
        const convergence = await hits('level:ERROR AND "convergence failure"');
        expect(convergence.map((s: Json) => s.message).sort()).toEqual(['convergence failure at t=3ns', 'convergence failure in transient analysis']);
        const first = convergence.find((s: Json) => s.message.includes('transient'));
        expect(first).toMatchObject({
          level: 'ERROR',
          logger: 'genrf.spice',
          circuit_type: 'LNA',
          technology: 'tsmc65',
          user_id: 'u-1',
          session_id: 's-1',
          spice_engine: 'ngspice',
          generation_time: 12.5,
          service_name: 'genrf-worker',
          trace_id: traceId,
        });
        expect(first.attributes.netlist).toBe('lna.cir'); // not lifted: kept under attributes
        expect((await hits('circuit_type:LNA AND technology:tsmc65 AND level:ERROR')).map((s: Json) => s.message).sort()).toEqual(['convergence failure in transient analysis', 'generation failed']);
        expect((await hits('generation_time:>300')).map((s: Json) => s.generation_time).sort()).toEqual([301.25, 412]);
        expect((await hits('level:INFO AND generation_time:>300')).map((s: Json) => s.message)).toEqual(['generation complete']);
        expect((await hits('level:WARN')).map((s: Json) => s.message)).toEqual(['timestep too small']);
        const agg = await search(url, t.logs, { size: 0, query: { query_string: { query: 'level:ERROR AND user_id:*' } }, aggs: { users: { terms: { field: 'user_id', size: 10 } } } });
        expect(agg.aggregations.users.buckets).toEqual([
          { key: 'u-1', doc_count: 1 },
          { key: 'u-2', doc_count: 1 },
          { key: 'u-3', doc_count: 1 },
        ]);

        // Spans: one document each, found by trace id, with ids, duration and attributes.
        await waitForCount(url, t.traces, 2);
        const spans = (await search(url, t.traces, { size: 10, query: { term: { trace_id: traceId } } })).hits.hits.map((h: Json) => h._source);
        expect(spans.map((s: Json) => s.name).sort()).toEqual(['generate_circuit', 'spice.simulate']);
        const root = spans.find((s: Json) => s.name === 'generate_circuit');
        const child = spans.find((s: Json) => s.name === 'spice.simulate');
        expect(root).toMatchObject({ trace_id: traceId, circuit_type: 'LNA', technology: 'tsmc65', user_id: 'u-1', service_name: 'genrf-worker', logger: 'genrf.generation' });
        expect(root.span_id).toMatch(/^[0-9a-f]{16}$/);
        expect(child.parent_span_id).toBe(root.span_id);
        expect(child.spice_engine).toBe('ngspice');
        expect(root.duration_ms).toBeGreaterThan(0);
        expect(root.duration_ms).toBeGreaterThanOrEqual(child.duration_ms);
      } finally {
        await t.d.stop();
      }
    },
    120_000,
  );

  it('one unmappable document goes to the dead-letter file with its reason; the rest of its batch is indexed', async () => {
    const t = await daemonFor(url, 'dl');
    try {
      const attrs = (gt: Json) => [
        { key: 'circuit_type', value: { stringValue: 'LNA' } },
        { key: 'generation_time', value: gt },
      ];
      const records = [1, 2, 3, 4, 5].map((i) => ({
        timeUnixNano: String(Date.now() * 1e6),
        severityNumber: 9,
        severityText: 'INFO',
        body: { stringValue: `record ${i}` },
        attributes: attrs(i === 3 ? { stringValue: 'fast' } : { doubleValue: i * 10.5 }),
      }));
      const body = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'genrf.generation' }, logRecords: records }] }] };
      const res = await fetch(`http://127.0.0.1:${t.http}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      await waitForCount(url, t.logs, 4);
      const letters = await eventually('the dead letter', async () => {
        const text = await readFile(t.deadLetter, 'utf8').catch(() => '');
        return text.trim()
          ? text
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l))
          : undefined;
      });
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ index: t.logs, status: 400, document: { message: 'record 3', generation_time: 'fast' } });
      expect(letters[0].reason).toMatch(/generation_time/);
      const msgs = (await search(url, t.logs, { size: 10, query: { match_all: {} } })).hits.hits.map((h: Json) => h._source.message).sort();
      expect(msgs).toEqual(['record 1', 'record 2', 'record 4', 'record 5']);
      const metrics = await (await fetch(`http://127.0.0.1:${t.metrics}/metrics`)).text();
      expect(metrics).toMatch(/genrf_collector_dropped_items_total\{[^}]*component="exporter\/elasticsearch\/t"[^}]*reason="mapping_error"[^}]*\} 1/);
      // No retry of the others: after a clean stop (nothing can be sent any more), still exactly four.
      expect(await t.d.stop()).toBe(0);
      expect(await count(url, t.logs)).toBe(4);
    } finally {
      await t.d.stop();
    }
  }, 60_000);

  it('Elasticsearch stopped for 30 s while data flows: /health says so, and nothing accepted is lost once it is back', async () => {
    const retry = `    retry_on_failure: { initial_interval: 1s, max_interval: 5s, max_elapsed_time: 0 }
    sending_queue: { queue_size: 1000 }
    health_check_interval: 1s
    timeout: 10s`;
    const t = await daemonFor(url, 'outage', retry);
    let seq = 0;
    const accepted: number[] = [];
    let refused = 0;
    let sending = true;
    const sendOne = async () => {
      const from = seq;
      seq += 20;
      const logRecords = Array.from({ length: 20 }, (_, i) => ({
        timeUnixNano: String(Date.now() * 1e6),
        severityNumber: 9,
        body: { stringValue: 'tick' },
        attributes: [{ key: 'seq', value: { intValue: String(from + i) } }],
      }));
      const res = await fetch(`http://127.0.0.1:${t.http}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'genrf.load' }, logRecords }] }] }),
      });
      if (res.status === 200) for (let i = 0; i < 20; i++) accepted.push(from + i);
      else refused += 20;
    };
    const loop = (async () => {
      while (sending) {
        await sendOne();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${t.health}/health`);
      return { status: res.status, body: (await res.json()) as Json };
    };
    try {
      await waitForCount(url, t.logs, 100);
      const before = await count(url, t.logs);
      await run(join(REPO_ROOT, 'scripts/services/down'), ['elasticsearch'], { timeout: 90_000 });
      const stoppedAt = Date.now();
      const h = await eventually(
        '/health to report the cluster unreachable',
        async () => {
          const r = await health();
          return r.status === 503 ? r : undefined;
        },
        15_000,
      );
      expect(h.body.checks['exporter/elasticsearch/t'] ?? JSON.stringify(h.body)).toMatch(/unhealthy: .*Elasticsearch/);
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
      await run(join(REPO_ROOT, 'scripts/services/up'), ['elasticsearch'], { timeout: 300_000 });
      await new Promise((r) => setTimeout(r, 2000)); // a little more traffic with the cluster back
      sending = false;
      await loop;
      expect(accepted.length).toBeGreaterThan(before);
      await eventually('/health healthy again', async () => ((await health()).status === 200 ? true : undefined), 30_000);
      // Delivery is at-least-once: a bulk request that Elasticsearch executed while it was
      // going down, but whose answer was lost, is sent again. So wait until every accepted
      // record is there (distinct sequence numbers), then report the duplicates.
      let seen = new Map<number, number>();
      const distinctSeqs = async () => {
        seen = await seqCounts(url, t.logs);
        return accepted.reduce((n, seq) => (seen.has(seq) ? n + 1 : n), 0);
      };
      let distinct = 0;
      const end = Date.now() + 90_000;
      while (Date.now() < end && (distinct = await distinctSeqs()) < accepted.length) await new Promise((r) => setTimeout(r, 500));
      const total = await count(url, t.logs);
      // Were the records Elasticsearch had indexed before the stop kept? If exactly those are
      // missing, the restart lost the cluster's data, not the exporter.
      const keptBefore = (await count(url, t.logs, 'attributes.seq:0')) >= 1;
      console.log(`elasticsearch outage: ${accepted.length} records accepted, ${distinct} indexed, ${total - distinct} duplicates (at-least-once retries), ${refused} refused by the receiver`);
      if (distinct !== accepted.length || total - distinct > accepted.length - before) await printOutageDiagnostics(seen, t, accepted);
      expect(
        { distinct, refusedByReceiver: refused },
        keptBefore
          ? 'every accepted record indexed'
          : `the earliest documents (about ${before}, indexed before the stop) are gone: the Elasticsearch restart ` + 'wiped its data directory; the harness must keep it',
      ).toEqual({ distinct: accepted.length, refusedByReceiver: refused });
      // Duplicates come only from requests in flight at the stop: at most the queue's worth.
      expect(total - distinct).toBeLessThanOrEqual(accepted.length - before);
    } finally {
      sending = false;
      await loop.catch(() => {});
      await t.d.stop();
    }
  }, 420_000);
});

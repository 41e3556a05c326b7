// The jaeger exporter against a real Jaeger v2 (scripts/services/up jaeger):
// 1. the guide's generate_circuit trace, sent by the real Python OpenTelemetry SDK through
//    the daemon, is found by service and by attribute, with its structure, attributes,
//    status, events and resource;
// 2. Jaeger stopped for 30 s while traces flow: every trace sent from the stop on is in
//    Jaeger after it restarts, and /health tells the outage.
// Both are in one file because the second stops the Jaeger the first one reads.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeProto } from '../../src/pdata/proto/index.ts';
import type { Span } from '../../src/pdata/types.ts';
import { freePort, startDaemon, tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { postOtlp } from '../e2e/helpers/otlp.ts';
import { describeService, eventually, REPO_ROOT, requireService } from './helpers/services.ts';

const run = promisify(execFile);
const jaeger = await requireService('jaeger');
const python = await requireService('python-otel');
const both = jaeger.ok && !python.ok ? python : jaeger;

const RUN = randomBytes(4).toString('hex');

// The guide's instrumented generate_circuit, with an event and a status on top.
const GUIDE_SCRIPT = `
import json, sys
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

service, endpoint, circuit_type = sys.argv[1], sys.argv[2], sys.argv[3]
provider = TracerProvider(resource=Resource.create({
    "service.name": service, "service.version": "0.3.1", "deployment.environment": "test"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, insecure=True)))
tracer = provider.get_tracer("genrf.generator", "1.0.0")

def generate_circuit(spec):
    with tracer.start_as_current_span("generate_circuit") as span:
        span.set_attribute("circuit.type", spec["circuit_type"])
        span.set_attribute("circuit.frequency", spec["frequency"])
        span.add_event("spec_validated", {"spec.fields": 4})
        with tracer.start_as_current_span("topology_generation"):
            pass
        with tracer.start_as_current_span("parameter_optimization") as opt:
            opt.set_attribute("optimization.steps", 120)
        with tracer.start_as_current_span("spice_validation") as sv:
            sv.add_event("convergence_warning", {"spice.iteration": 17})
            sv.set_status(Status(StatusCode.ERROR, "convergence failure"))
        span.set_status(Status(StatusCode.OK))
        return format(span.get_span_context().trace_id, "032x")

trace_id = generate_circuit({"circuit_type": circuit_type, "frequency": 2.4e9})
provider.force_flush()
provider.shutdown()
print(json.dumps({"trace_id": trace_id}))
`;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** v1 search: traces of a service having all the given tags. */
async function searchV1(query: string, service: string, tags: Record<string, string> = {}, limit = 20): Promise<Json[]> {
  const params = new URLSearchParams({ service, limit: String(limit), lookback: '2h' });
  if (Object.keys(tags).length) params.set('tags', JSON.stringify(tags));
  return (await getJson(`${query}/api/traces?${params}`)).data ?? [];
}

const attrs = (list: Json[] | undefined) => Object.fromEntries((list ?? []).map((kv: Json) => [kv.key, Object.values(kv.value)[0]]));

describeService(both, 'jaeger exporter -> real Jaeger v2', (env) => {
  const query = env.JAEGER_QUERY_URL!;

  it('the guide trace from the Python SDK is found by service and attribute, whole', async () => {
    const grpcPort = await freePort();
    const daemon = await startDaemon(`
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
processors:
  batch: { timeout: 100ms }
exporters:
  jaeger:
    endpoint: ${env.JAEGER_OTLP_GRPC_ENDPOINT}
    tls: { insecure: true }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger] }
`);
    try {
      const service = `genrf-worker-${RUN}`;
      const dir = await tempDir('genrf-jaeger-');
      const script = join(dir, 'guide_trace.py');
      await writeFile(script, GUIDE_SCRIPT);
      const { stdout } = await run(python.env.OTEL_PYTHON!, [script, service, `127.0.0.1:${grpcPort}`, 'LNA'], { timeout: 30_000 });
      const traceId: string = JSON.parse(stdout).trace_id;

      // By service and attribute (v1 API); another circuit.type finds nothing.
      const found = await eventually(
        'the trace in Jaeger by service and circuit.type',
        async () => {
          const t = await searchV1(query, service, { 'circuit.type': 'LNA' });
          return t.length > 0 && t[0].spans.length === 4 ? t : undefined;
        },
        20_000,
        250,
      );
      expect(found.map((t: Json) => t.traceID)).toEqual([traceId]);
      expect(await searchV1(query, service, { 'circuit.type': 'mixer' })).toEqual([]);

      // The whole trace as OTLP (v3 API).
      const v3 = (await getJson(`${query}/api/v3/traces/${traceId}`)).result;
      expect(v3.resourceSpans).toHaveLength(1);
      const rs = v3.resourceSpans[0];
      expect(attrs(rs.resource.attributes)).toMatchObject({
        'service.name': service,
        'service.version': '0.3.1',
        'deployment.environment': 'test',
        'telemetry.sdk.language': 'python',
      });
      expect(rs.scopeSpans[0].scope).toMatchObject({ name: 'genrf.generator', version: '1.0.0' });
      const spans: Json[] = rs.scopeSpans.flatMap((ss: Json) => ss.spans);
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      const root = byName.generate_circuit;
      expect(root.parentSpanId ?? '').toBe('');
      expect(
        spans
          .filter((s) => s.parentSpanId === root.spanId)
          .map((s) => s.name)
          .sort(),
      ).toEqual(['parameter_optimization', 'spice_validation', 'topology_generation']);
      expect(spans.every((s) => s.traceId === traceId)).toBe(true);
      expect(attrs(root.attributes)).toEqual({ 'circuit.type': 'LNA', 'circuit.frequency': 2.4e9 });
      expect(root.status).toEqual({ code: 1 });
      expect(root.events).toEqual([expect.objectContaining({ name: 'spec_validated', attributes: [{ key: 'spec.fields', value: { intValue: '4' } }] })]);
      expect(byName.spice_validation.status).toEqual({ code: 2, message: 'convergence failure' });
      expect(byName.spice_validation.events[0]).toMatchObject({ name: 'convergence_warning', attributes: [{ key: 'spice.iteration', value: { intValue: '17' } }] });
      expect(attrs(byName.parameter_optimization.attributes)).toEqual({ 'optimization.steps': '120' });
      expect(BigInt(root.startTimeUnixNano) <= BigInt(byName.topology_generation.startTimeUnixNano)).toBe(true);
      expect(BigInt(byName.spice_validation.endTimeUnixNano) <= BigInt(root.endTimeUnixNano)).toBe(true);
    } finally {
      await daemon.stop();
    }
  }, 60_000);

  describe30sOutage(env);
});

function describe30sOutage(env: Record<string, string>): void {
  const query = env.JAEGER_QUERY_URL!;
  const service = `genrf-outage-${RUN}`;
  let daemon: (Daemon & { configPath: string }) | undefined;
  let httpPort = 0;
  let healthPort = 0;

  beforeAll(async () => {
    httpPort = await freePort();
    healthPort = await freePort();
    daemon = await startDaemon(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${httpPort} }
exporters:
  jaeger:
    endpoint: ${env.JAEGER_OTLP_GRPC_ENDPOINT}
    retry_on_failure: { initial_interval: 500ms, max_interval: 2s, max_elapsed_time: 120s }
extensions:
  health_check: { endpoint: 127.0.0.1:${healthPort} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    traces: { receivers: [otlp], exporters: [jaeger] }
`);
  });

  afterAll(async () => {
    await daemon?.stop();
    // Whatever happened, leave Jaeger running for the next test.
    await run(join(REPO_ROOT, 'scripts/services/up'), ['jaeger'], { timeout: 120_000 }).catch(() => {});
  }, 130_000);

  let seq = 0;
  /** One trace of four spans per request; returns its trace id once the daemon took it. */
  async function sendTrace(): Promise<string> {
    seq++;
    const traceId = `${RUN}${seq.toString(16).padStart(24, '0')}`;
    const start = BigInt(Date.now()) * 1_000_000n;
    const span = (name: string, i: number, parent: string): Span => ({
      traceId,
      spanId: `${i}${seq.toString(16).padStart(15, '0')}`,
      traceState: '',
      parentSpanId: parent,
      flags: 1,
      name,
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 5_000_000n,
      attributes: [{ key: 'circuit.type', value: { stringValue: 'LNA' } }],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { message: '', code: 0 },
    });
    const rootId = `1${seq.toString(16).padStart(15, '0')}`;
    const body = encodeProto('traces', {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
          scopeSpans: [
            {
              scope: { name: 'genrf.generator', version: '1', attributes: [], droppedAttributesCount: 0 },
              spans: [span('generate_circuit', 1, ''), span('topology_generation', 2, rootId), span('parameter_optimization', 3, rootId), span('spice_validation', 4, rootId)],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    });
    const res = await postOtlp(httpPort, '/v1/traces', body);
    if (res.status !== 200) throw new Error(`the daemon refused trace ${seq}: HTTP ${res.status} ${res.text}`);
    return traceId;
  }

  async function sendFor(ms: number, into: string[]): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      into.push(await sendTrace());
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function health(): Promise<{ status: number; jaeger: string }> {
    const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
    const body = (await res.json()) as { checks: Record<string, string> };
    const key = Object.keys(body.checks).find((k) => k.includes('jaeger'))!;
    return { status: res.status, jaeger: body.checks[key] };
  }

  it('Jaeger stopped for 30 s while traces flow: every trace sent from the stop on is in Jaeger after the restart', async () => {
    const before: string[] = [];
    await sendFor(2000, before);
    await eventually('the first traces in Jaeger', async () => ((await searchV1(query, service, {}, 1000)).length > 0 ? true : undefined), 15_000);
    expect((await health()).status).toBe(200);

    await run(join(REPO_ROOT, 'scripts/services/down'), ['jaeger'], { timeout: 60_000 });
    const during: string[] = [];
    const outageEnd = Date.now() + 30_000;
    const sending = sendFor(30_000, during);
    // /health tells the outage while it lasts.
    const down = await eventually(
      '/health to report Jaeger unreachable',
      async () => {
        const h = await health();
        return h.status === 503 ? h : undefined;
      },
      25_000,
      500,
    );
    expect(down.jaeger).toMatch(/^unhealthy: .*(UNAVAILABLE|unreachable)/);
    await sending;
    expect(Date.now()).toBeGreaterThanOrEqual(outageEnd);

    await run(join(REPO_ROOT, 'scripts/services/up'), ['jaeger'], { timeout: 120_000 });
    const after: string[] = [];
    await sendFor(2000, after);

    // In-memory storage: what Jaeger held before the stop is gone; everything sent since must be there.
    const expected = new Set([...during, ...after]);
    expect(during.length).toBeGreaterThan(200);
    const inJaeger = await eventually(
      `all ${expected.size} traces in Jaeger`,
      async () => {
        const traces = await searchV1(query, service, {}, 5000);
        const seen = new Map<string, number>(traces.map((t: Json) => [t.traceID, t.spans.length]));
        return [...expected].every((id) => seen.get(id) === 4) ? seen : undefined;
      },
      40_000,
      1000,
    );
    expect([...expected].filter((id) => inJaeger.get(id) !== 4)).toEqual([]);
    await eventually('/health healthy again', async () => ((await health()).status === 200 ? true : undefined), 20_000, 500);
  }, 150_000);
}

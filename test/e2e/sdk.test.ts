// Real clients: the OpenTelemetry JS SDK sends traces, metrics and logs over http/json,
// http/protobuf and gRPC (plain and gzip-compressed); everything must arrive in the file
// exporter as the SDK sent it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, SeverityNumber, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as TraceHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter as MetricHttp } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter as LogHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { freePort, tempDir, waitFor, type Daemon } from './helpers/daemon.ts';
import { startFileSink } from './helpers/file-sink.ts';
import { allRecords, normalize, readJsonLines, type Signal } from './helpers/otlp.ts';

type Protocol = 'http/json' | 'http/protobuf' | 'grpc' | 'http/protobuf+gzip' | 'grpc+gzip';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let daemon: Daemon | undefined;
let dir = '';
let httpPort = 0;
let grpcPort = 0;
const out = (signal: Signal) => join(dir, `${signal}.jsonl`);

beforeAll(async () => {
  dir = await tempDir();
  [httpPort, grpcPort] = [await freePort(), await freePort()];
  daemon = await startFileSink({ dir, grpc: grpcPort, http: httpPort, out });
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

// The SDK's CompressionAlgorithm enum lives in a package we do not import directly.
const GZIP = 'gzip' as unknown as NonNullable<NonNullable<ConstructorParameters<typeof TraceHttp>[0]>['compression']>;

function exporters(protocol: Protocol): { spans: SpanExporter; metrics: PushMetricExporter; logs: LogRecordExporter } {
  const gzip = protocol.endsWith('+gzip');
  const compression = gzip ? { compression: GZIP } : {};
  const http = (path: string) => ({ url: `http://127.0.0.1:${httpPort}${path}`, ...compression });
  const grpc = { url: `http://127.0.0.1:${grpcPort}`, ...compression };
  switch (protocol.replace('+gzip', '') as 'http/json' | 'http/protobuf' | 'grpc') {
    case 'http/json':
      return { spans: new TraceHttp(http('/v1/traces')), metrics: new MetricHttp(http('/v1/metrics')), logs: new LogHttp(http('/v1/logs')) };
    case 'http/protobuf':
      return { spans: new TraceProto(http('/v1/traces')), metrics: new MetricProto(http('/v1/metrics')), logs: new LogProto(http('/v1/logs')) };
    case 'grpc':
      return { spans: new TraceGrpc(grpc), metrics: new MetricGrpc(grpc), logs: new LogGrpc(grpc) };
  }
}

/** Records of `signal` sent by the SDK run for `protocol` (tagged by a resource attribute). */
async function recordsOf(signal: Signal, protocol: Protocol, min: number): Promise<Json[]> {
  let found: Json[] = [];
  await waitFor(async () => {
    found = allRecords(signal, await readJsonLines(out(signal))).filter((r) => attrs(r.resource.attributes)['test.protocol']?.stringValue === protocol);
    return found.length >= min;
  }, 10_000).catch(() => {
    throw new Error(`expected at least ${min} ${signal} records from ${protocol}, found ${found.length}`);
  });
  return found;
}

/** KeyValue list -> { key: normalized AnyValue }. */
function attrs(kvs: Json[] | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const kv of kvs ?? []) out[kv.key] = normalize(kv.value);
  return out;
}

describe.each<Protocol>(['http/json', 'http/protobuf', 'grpc', 'http/protobuf+gzip', 'grpc+gzip'])('SDK over %s', (protocol) => {
  const resource = resourceFromAttributes({ 'service.name': 'genrf-worker', 'test.protocol': protocol });

  it('traces: the genRF circuit trace arrives with its tree, attributes of every type, events and status', async () => {
    const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: exporters(protocol).spans })] });
    const tracer = provider.getTracer('genrf.circuits', '2.1.0');
    const root = tracer.startSpan('generate_circuit', {
      kind: SpanKind.SERVER,
      attributes: {
        'circuit.type': 'LNA',
        'circuit.frequency': 2.4,
        'circuit.stages': 3,
        'circuit.validated': true,
        'circuit.tags': ['rf', 'lna'],
        'circuit.gains_db': [12.5, 13.25],
        'circuit.corner_ids': [1, 2, 3],
        'circuit.flags': [true, false],
      },
    });
    const parent = trace.setSpan(context.active(), root);
    const children = ['topology_generation', 'parameter_optimization', 'spice_validation'].map((name) => {
      const child = tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent);
      child.end();
      return child;
    });
    root.addEvent('spec.parsed', { 'spec.lines': 12, 'spec.source': 'user' });
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'spice did not converge' });
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const spans = await recordsOf('traces', protocol, 4);
    expect(spans.map((s) => s.name).sort()).toEqual(['generate_circuit', 'parameter_optimization', 'spice_validation', 'topology_generation']);
    const got = spans.find((s) => s.name === 'generate_circuit');
    const rootCtx = root.spanContext();
    expect(got.traceId.toLowerCase()).toBe(rootCtx.traceId);
    expect(got.spanId.toLowerCase()).toBe(rootCtx.spanId);
    expect(got.parentSpanId ?? '').toBe('');
    expect(got.kind).toBe(2);
    expect(BigInt(got.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(got.startTimeUnixNano));
    expect(attrs(got.attributes)).toEqual({
      'circuit.type': { stringValue: 'LNA' },
      'circuit.frequency': { doubleValue: 2.4 },
      'circuit.stages': { intValue: '3' },
      'circuit.validated': { boolValue: true },
      'circuit.tags': { arrayValue: { values: [{ stringValue: 'rf' }, { stringValue: 'lna' }] } },
      'circuit.gains_db': { arrayValue: { values: [{ doubleValue: 12.5 }, { doubleValue: 13.25 }] } },
      'circuit.corner_ids': { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }, { intValue: '3' }] } },
      'circuit.flags': { arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } },
    });
    expect(got.events).toHaveLength(1);
    expect(got.events[0].name).toBe('spec.parsed');
    expect(attrs(got.events[0].attributes)).toEqual({ 'spec.lines': { intValue: '12' }, 'spec.source': { stringValue: 'user' } });
    expect(got.status).toEqual({ code: 2, message: 'spice did not converge' });
    for (const child of children) {
      const c = spans.find((s) => s.spanId.toLowerCase() === child.spanContext().spanId);
      expect(c, 'child span').toBeDefined();
      expect(c.traceId.toLowerCase()).toBe(rootCtx.traceId);
      expect(c.parentSpanId.toLowerCase()).toBe(rootCtx.spanId);
    }
    expect(attrs(got.resource.attributes)['service.name']).toEqual({ stringValue: 'genrf-worker' });
    expect(got.scope.name).toBe('genrf.circuits');
    expect(got.scope.version).toBe('2.1.0');
  });

  it('metrics: counter, explicit-bucket histogram, observable gauge and up-down counter arrive with their values', async () => {
    const reader = new PeriodicExportingMetricReader({ exporter: exporters(protocol).metrics, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('genrf.metrics', '1.0.0');
    const labels = { circuit_type: 'LNA', technology: 'tsmc65' };
    const counter = meter.createCounter('genrf_circuits_generated_total', { valueType: ValueType.INT, description: 'Total circuits generated' });
    counter.add(3, { ...labels, status: 'success' });
    counter.add(2, { ...labels, status: 'success' });
    counter.add(1, { ...labels, status: 'failed' });
    const hist = meter.createHistogram('genrf_generation_duration_seconds', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1, 10] } });
    for (const v of [0.05, 0.5, 5, 50]) hist.record(v, labels);
    const gauge = meter.createObservableGauge('genrf_gpu_memory_bytes', { unit: 'By' });
    gauge.addCallback((r) => r.observe(1536.5, { gpu: '0' }));
    const active = meter.createUpDownCounter('genrf_active_simulations', { valueType: ValueType.INT });
    active.add(5);
    active.add(-2);
    await provider.forceFlush();
    await provider.shutdown();

    // The SDK exports again at shutdown: take the first copy of each metric.
    const metrics = await recordsOf('metrics', protocol, 4);
    const byName = (name: string) => metrics.find((m) => m.name === name);

    const c = byName('genrf_circuits_generated_total');
    expect(c.description).toBe('Total circuits generated');
    expect(c.sum.isMonotonic).toBe(true);
    expect(c.sum.aggregationTemporality).toBe(2);
    const points = c.sum.dataPoints.map((p: Json) => ({ status: attrs(p.attributes).status.stringValue, value: normalize(p).asInt }));
    expect(points.sort((a: Json, b: Json) => a.status.localeCompare(b.status))).toEqual([
      { status: 'failed', value: '1' },
      { status: 'success', value: '5' },
    ]);
    expect(attrs(c.sum.dataPoints[0].attributes).circuit_type).toEqual({ stringValue: 'LNA' });

    const h = byName('genrf_generation_duration_seconds');
    expect(h.unit).toBe('s');
    const hp = normalize(h.histogram.dataPoints[0]);
    expect(hp.count).toBe('4');
    expect(hp.sum).toBeCloseTo(55.55, 10);
    expect(hp.min).toBe(0.05);
    expect(hp.max).toBe(50);
    expect(hp.explicitBounds).toEqual([0.1, 1, 10]);
    expect(hp.bucketCounts).toEqual(['1', '1', '1', '1']);

    const g = byName('genrf_gpu_memory_bytes');
    expect(g.gauge.dataPoints).toHaveLength(1);
    expect(g.gauge.dataPoints[0].asDouble).toBe(1536.5);
    expect(attrs(g.gauge.dataPoints[0].attributes)).toEqual({ gpu: { stringValue: '0' } });

    const u = byName('genrf_active_simulations');
    expect(u.sum.isMonotonic ?? false).toBe(false);
    expect(normalize(u.sum.dataPoints[0]).asInt).toBe('3');

    expect(c.scope.name).toBe('genrf.metrics');
    expect(attrs(c.resource.attributes)['service.name']).toEqual({ stringValue: 'genrf-worker' });
  });

  it('logs: bodies, severities, attributes and scope names (genrf.security) arrive unchanged', async () => {
    const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: exporters(protocol).logs })] });
    const security = provider.getLogger('genrf.security', '1.0.0');
    const app = provider.getLogger('genrf.app');
    security.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: 'login failed for user alice@example.com',
      attributes: { 'user.id': 'u-42', attempt: 3, blocked: true, score: 0.75 },
    });
    app.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: { step: 'spice', converged: false, iterations: 200 },
      attributes: { circuit_type: 'LNA' },
    });
    await provider.forceFlush();
    await provider.shutdown();

    const logs = await recordsOf('logs', protocol, 2);
    const sec = logs.find((l) => l.scope.name === 'genrf.security');
    expect(sec, 'a record from the genrf.security logger').toBeDefined();
    expect(sec.scope.version).toBe('1.0.0');
    expect(sec.severityNumber).toBe(13);
    expect(sec.severityText).toBe('WARN');
    expect(sec.body).toEqual({ stringValue: 'login failed for user alice@example.com' });
    expect(attrs(sec.attributes)).toEqual({
      'user.id': { stringValue: 'u-42' },
      attempt: { intValue: '3' },
      blocked: { boolValue: true },
      score: { doubleValue: 0.75 },
    });
    expect(BigInt(sec.timeUnixNano ?? sec.observedTimeUnixNano)).toBeGreaterThan(0n);

    const err = logs.find((l) => l.scope.name === 'genrf.app');
    expect(err.severityNumber).toBe(17);
    const body = normalize(err.body);
    const fields = Object.fromEntries(body.kvlistValue.values.map((kv: Json) => [kv.key, kv.value]));
    expect(fields).toEqual({ step: { stringValue: 'spice' }, converged: { boolValue: false }, iterations: { intValue: '200' } });
    expect(attrs(err.resource.attributes)['service.name']).toEqual({ stringValue: 'genrf-worker' });
  });
});

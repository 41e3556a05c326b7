// The jaeger exporter and the spanmetrics connector.
// - spans/s through the jaeger exporter (queue, retry, OTLP/gRPC transport), to a null
//   OTLP/gRPC sink on loopback (the exporter's own cost) and to the real Jaeger v2 of
//   scripts/services when .services.env names it (Jaeger's in-memory ingest included);
// - the service.name check on protobuf batches (named: read only, unnamed: decode, patch, encode);
// - spanmetrics: nanoseconds per span to aggregate (4 default + 2 extra dimensions), and a flush.
// Run: `node bench/jaeger.bench.ts` (or `npm run bench jaeger` once run.ts lists it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { Aggregator } from '../src/connectors/spanmetrics/aggregator.ts';
import { buildMetrics } from '../src/connectors/spanmetrics/build-metrics.ts';
import { spanMetricsConfig } from '../src/connectors/spanmetrics/config.ts';
import { jaegerExporterConfig } from '../src/exporters/jaeger/config.ts';
import { createJaegerExporter } from '../src/exporters/jaeger/jaeger-exporter.ts';
import { withServiceName } from '../src/exporters/jaeger/service-name.ts';
import { OTLP_GRPC_METHODS } from '../src/net/grpc-transport.ts';
import { Batch } from '../src/pdata/batch.ts';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { parseComponentId, type ComponentId } from '../src/pipeline/component-id.ts';
import { silentLogger } from '../src/telemetry/logger.ts';
import { SelfMetrics } from '../src/telemetry/metrics.ts';
import { benchTraces } from './spans.ts';
import { callsPerSecond, ROOT, type Figure } from './util.ts';

const SPANS_PER_BATCH = 500;

/** A loopback OTLP/gRPC server that accepts every trace request and keeps nothing. */
async function nullSink(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = new Server();
  const def = {
    Export: {
      path: OTLP_GRPC_METHODS.traces,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  } as unknown as ServiceDefinition;
  server.addService(def, { Export: (_c: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, Buffer.alloc(0)) });
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.tryShutdown(() => r())) };
}

/** Spans/s through the exporter: `batches` protobuf batches queued, then drained by shutdown. */
async function exporterRate(endpoint: string, batches: number, named = true): Promise<number> {
  const config = jaegerExporterConfig.parse({ endpoint, sending_queue: { queue_size: batches + 50 } });
  const settings = { id: parseComponentId('jaeger') as ComponentId, logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 120_000 };
  const exp = createJaegerExporter(settings, config, 'traces');
  await exp.start({ components: () => [] });
  const bodies = Array.from({ length: 8 }, (_, k) => {
    const data = benchTraces(SPANS_PER_BATCH, k * SPANS_PER_BATCH);
    if (!named) data.resourceSpans[0].resource.attributes = data.resourceSpans[0].resource.attributes.filter((kv) => kv.key !== 'service.name');
    return encodeProto('traces', data);
  });
  // Warm the channel and the code paths.
  for (let i = 0; i < 20; i++) await exp.consume(Batch.fromProto('traces', bodies[i % 8], SPANS_PER_BATCH));
  const started = performance.now();
  for (let i = 0; i < batches; i++) await exp.consume(Batch.fromProto('traces', bodies[i % 8], SPANS_PER_BATCH));
  await exp.shutdown(); // returns once the queue is drained
  return Math.round((batches * SPANS_PER_BATCH) / ((performance.now() - started) / 1000));
}

/** Best-of-windows nanoseconds per item of `fn` (which handles `items` items per call). */
function nsPerItem(items: number, fn: () => unknown, windows = 8, windowMs = 250): number {
  return Math.round((1e9 / (items * callsPerSecond(fn, windows, windowMs))) * 10) / 10;
}

function jaegerEndpoint(): string | undefined {
  const file = join(ROOT, '.services.env');
  if (!existsSync(file)) return undefined;
  return /^JAEGER_OTLP_GRPC_ENDPOINT=(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
}

export async function runJaegerBench(): Promise<Figure[]> {
  const out: Figure[] = [];
  const sink = await nullSink();
  try {
    out.push({ name: 'jaeger exporter -> null OTLP/gRPC sink (500-span batches)', value: await exporterRate(sink.endpoint, 400), unit: 'spans/s' });
    out.push({ name: 'jaeger exporter -> null sink, resources without service.name', value: await exporterRate(sink.endpoint, 200, false), unit: 'spans/s' });
  } finally {
    await sink.close();
  }
  const real = jaegerEndpoint();
  if (real !== undefined) {
    out.push({ name: `jaeger exporter -> real Jaeger v2 (${real})`, value: await exporterRate(real, 100), unit: 'spans/s' });
  } else {
    out.push({ name: 'jaeger exporter -> real Jaeger v2: skipped (scripts/services/up jaeger)', value: 0, unit: 'spans/s' });
  }

  const named = encodeProto('traces', benchTraces(SPANS_PER_BATCH));
  const unnamedData = benchTraces(SPANS_PER_BATCH);
  unnamedData.resourceSpans[0].resource.attributes = [];
  const unnamed = encodeProto('traces', unnamedData);
  out.push({ name: 'service.name check, named protobuf batch (no decode)', value: nsPerItem(SPANS_PER_BATCH, () => withServiceName(Batch.fromProto('traces', named), 'x')), unit: 'ns/span' });
  out.push({
    name: 'service.name fill, unnamed protobuf batch (decode+encode)',
    value: nsPerItem(SPANS_PER_BATCH, () => withServiceName(Batch.fromProto('traces', unnamed), 'x').batch.toProto(), 4),
    unit: 'ns/span',
  });

  // spanmetrics: the bench spans carry circuit.type and technology among 10 attributes.
  const config = spanMetricsConfig.parse({ dimensions: [{ name: 'circuit.type' }, { name: 'technology', default: 'unknown' }] });
  const data = benchTraces(SPANS_PER_BATCH);
  const agg = new Aggregator(config, () => 0n);
  out.push({ name: 'spanmetrics aggregate (6 dimensions, 10 attributes/span)', value: nsPerItem(SPANS_PER_BATCH, () => agg.add(data)), unit: 'ns/span' });
  const plain = new Aggregator(spanMetricsConfig.parse({}), () => 0n);
  out.push({ name: 'spanmetrics aggregate (4 default dimensions)', value: nsPerItem(SPANS_PER_BATCH, () => plain.add(data)), unit: 'ns/span' });
  // Many series: every span its own name, up to the 1000-series limit, then the flush.
  const wide = benchTraces(1000);
  wide.resourceSpans[0].scopeSpans[0].spans.forEach((s, i) => {
    s.name = `op-${i}`;
  });
  const many = new Aggregator(config, () => 0n);
  many.add(wide);
  out.push({ name: 'spanmetrics aggregate, 1000 live series', value: nsPerItem(1000, () => many.add(wide)), unit: 'ns/span' });
  const opts = { callsName: 'c', durationName: 'd', unit: 's' as const, bounds: config.histogram.explicit.buckets.map((b) => b / 1e9), histogram: true, delta: false, now: 1n, deltaStart: 0n };
  out.push({ name: 'spanmetrics flush of 1000 series (build OTLP metrics)', value: Math.round(nsPerItem(1, () => buildMetrics(many.groups(), undefined, opts), 4) / 1000), unit: 'µs' });
  return out;
}

if (import.meta.main) {
  for (const f of await runJaegerBench()) console.log(`${f.name.padEnd(64)} ${String(f.value).padStart(12)} ${f.unit}`);
}

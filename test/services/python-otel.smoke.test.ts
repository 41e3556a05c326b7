// Python SDK smoke test: the real opentelemetry-sdk + opentelemetry-exporter-otlp (the
// genRF workers' SDK, from the virtualenv of scripts/services/up python-otel) exports a
// span over OTLP/HTTP (protobuf) to a listener in this test.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeService, requireService } from './helpers/services.ts';

const python = await requireService('python-otel');

const SCRIPT = `
import sys, structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

endpoint, span_name = sys.argv[1], sys.argv[2]
provider = TracerProvider(resource=Resource.create({"service.name": "genrf-smoke"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
trace.set_tracer_provider(provider)
with trace.get_tracer("smoke").start_as_current_span(span_name):
    structlog.get_logger().info("inside the span", span=span_name)
provider.shutdown()
`;

describeService(python, 'python-otel: the SDK exports a span over OTLP/HTTP', (env) => {
  it('sends the span to /v1/traces', async () => {
    const spanName = `genrf-smoke-${randomUUID()}`;
    const received: { path: string; type: string; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
        res.setHeader('content-type', 'application/x-protobuf');
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await promisify(execFile)(env.OTEL_PYTHON!, ['-c', SCRIPT, `http://127.0.0.1:${port}/v1/traces`, spanName], {
        timeout: 30_000,
      });
    } finally {
      server.close();
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.type).toBe('application/x-protobuf');
    const all = Buffer.concat(received.map((r) => r.body));
    expect(all.includes(Buffer.from(spanName))).toBe(true);
    expect(all.includes(Buffer.from('genrf-smoke'))).toBe(true);
  }, 40_000);
});

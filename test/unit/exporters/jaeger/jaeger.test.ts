import { createServer as createHttpServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jaegerExporterFactory } from '../../../../src/exporters/jaeger/factory.ts';
import { protoHasServiceNames, withServiceName } from '../../../../src/exporters/jaeger/service-name.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { decodeProto, encodeProto } from '../../../../src/pdata/proto/index.ts';
import type { Exporter } from '../../../../src/pipeline/component.ts';
import { attr, span, traces } from '../../connectors/spanmetrics/spans.ts';
import { freePort } from '../../../helpers/net.ts';
import { testSettings } from '../../../helpers/settings.ts';
import { until, untilAdvancing } from '../../../helpers/wait.ts';
import { metricValue } from '../fixtures.ts';
import { FakeOtlpGrpcServer, status } from '../grpc-server.ts';

const host = { components: () => [] };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of stops.splice(0).reverse()) await s();
});

async function grpcServer(port = 0): Promise<FakeOtlpGrpcServer> {
  const s = new FakeOtlpGrpcServer();
  await s.listen(port);
  stops.push(() => s.close());
  return s;
}

async function exporter(config: Record<string, unknown>, id = 'jaeger', shutdownTimeoutMs = 2000): Promise<{ exp: Exporter; settings: ReturnType<typeof testSettings> }> {
  const settings = testSettings(id, shutdownTimeoutMs);
  const parsed = jaegerExporterFactory.config.parse({ retry_on_failure: { initial_interval: '20ms', max_interval: '100ms' }, ...config });
  const exp = jaegerExporterFactory.create(settings, parsed, 'traces');
  await exp.start(host);
  stops.push(() => exp.shutdown());
  return { exp, settings };
}

const guide = () =>
  traces(
    [span('generate_circuit', 1200, { attrs: [attr('circuit.type', 'LNA'), attr('circuit.frequency', 2.4e9)] }), span('topology_generation', 300)],
    [attr('service.name', 'genrf-worker'), attr('host.name', 'gpu-node-1')],
  );

describe('jaeger exporter: config', () => {
  it('needs an endpoint; gRPC by default; HTTP needs a URL; names services "unknown_service" by default', () => {
    expect(jaegerExporterFactory.config.safeParse({}).error?.issues[0].path).toEqual(['endpoint']);
    const c = jaegerExporterFactory.config.parse({ endpoint: 'http://127.0.0.1:14317', tls: { insecure: true } });
    expect(c).toMatchObject({ protocol: 'grpc', compression: 'gzip', default_service_name: 'unknown_service', timeout: 5000, sending_queue: { queue_size: 1000 } });
    expect(jaegerExporterFactory.config.safeParse({ endpoint: '127.0.0.1:14318', protocol: 'http' }).error?.issues[0].message).toMatch(/http:\/\/ or https:\/\/ URL/);
    expect(jaegerExporterFactory.config.safeParse({ endpoint: 'http://jaeger/x y' }).error?.issues[0].message).toMatch(/host:port/);
    expect(jaegerExporterFactory.signals).toEqual({ traces: 'beta' });
  });
});

describe('jaeger exporter: service.name', () => {
  it('reads only resource keys of a protobuf request to see that every resource is named', () => {
    expect(protoHasServiceNames(encodeProto('traces', guide()))).toBe(true);
    const two = guide();
    two.resourceSpans.push({ ...guide().resourceSpans[0], resource: { attributes: [attr('host.name', 'x')], droppedAttributesCount: 0 } });
    expect(protoHasServiceNames(encodeProto('traces', two))).toBe(false);
    expect(protoHasServiceNames(encodeProto('traces', traces([span('a', 1)], [attr('service.name', '')])))).toBe(false);
    expect(protoHasServiceNames(encodeProto('traces', traces([span('a', 1)], [attr('service.name', 7n)])))).toBe(true);
    const bytes = encodeProto('traces', guide());
    expect(protoHasServiceNames(bytes.subarray(0, bytes.length - 3))).toBe(false); // truncated
    expect(protoHasServiceNames(new Uint8Array(0))).toBe(true); // no resources: nothing to name
  });

  it('leaves a named protobuf batch as its bytes, undecoded; names the others on a copy', () => {
    const batch = Batch.fromProto('traces', encodeProto('traces', guide()));
    const same = withServiceName(batch, 'unknown_service');
    expect(same.batch).toBe(batch);
    expect(batch.decoded).toBe(false);

    const data = traces([span('a', 1)], [attr('host.name', 'gpu-node-1'), attr('service.name', '')]);
    const before = structuredClone(data);
    const named = withServiceName(Batch.of('traces', data), 'genrf-unnamed');
    expect(named.added).toBe(1);
    expect(named.batch.data.resourceSpans[0].resource.attributes).toEqual([attr('host.name', 'gpu-node-1'), attr('service.name', 'genrf-unnamed')]);
    expect(named.batch.data.resourceSpans[0].scopeSpans).toBe(data.resourceSpans[0].scopeSpans);
    expect(data).toEqual(before);
  });
});

describe('jaeger exporter: sending', () => {
  it('gRPC: the Jaeger collector gets the traces as OTLP, unchanged, and sent spans are counted', async () => {
    const srv = await grpcServer();
    const { exp, settings } = await exporter({ endpoint: `http://127.0.0.1:${srv.port}` });
    const bytes = encodeProto('traces', guide());
    await exp.consume(Batch.fromProto('traces', bytes));
    await until(() => srv.calls.length === 1);
    expect(srv.calls[0].signal).toBe('traces');
    expect(Buffer.compare(srv.calls[0].bytes, Buffer.from(bytes))).toBe(0);
    await until(async () => (await metricValue(settings, 'otelcol_exporter_sent_spans_total', 'jaeger')) === 2);
  });

  it('gRPC: a resource without service.name arrives with the default name', async () => {
    const srv = await grpcServer();
    const { exp } = await exporter({ endpoint: `127.0.0.1:${srv.port}`, tls: { insecure: true }, default_service_name: 'genrf-unnamed' });
    await exp.consume(Batch.fromProto('traces', encodeProto('traces', traces([span('a', 1)], [attr('host.name', 'h')]))));
    await until(() => srv.calls.length === 1);
    expect(decodeProto('traces', srv.calls[0].bytes).resourceSpans[0].resource.attributes).toEqual([attr('host.name', 'h'), attr('service.name', 'genrf-unnamed')]);
  });

  it('gRPC: sits behind the helper: UNAVAILABLE is retried until Jaeger takes the batch', async () => {
    const srv = await grpcServer();
    srv.script.push({ code: status.UNAVAILABLE, details: 'restarting' }, { code: status.UNAVAILABLE });
    const { exp, settings } = await exporter({ endpoint: `http://127.0.0.1:${srv.port}` });
    await exp.consume(Batch.of('traces', guide()));
    await until(() => srv.calls.length === 3);
    await until(async () => (await metricValue(settings, 'otelcol_exporter_sent_spans_total', 'jaeger')) === 2);
    expect(await metricValue(settings, 'otelcol_exporter_send_failed_spans_total', 'jaeger')).toBe(0);
  });

  it('HTTP: posts protobuf to <endpoint>/v1/traces', async () => {
    const got: Array<{ url?: string; type?: string; body: Buffer }> = [];
    const server: Server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        got.push({ url: req.url, type: req.headers['content-type'], body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    stops.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const port = (server.address() as { port: number }).port;
    const { exp } = await exporter({ endpoint: `http://127.0.0.1:${port}/`, protocol: 'http' });
    const data = guide();
    await exp.consume(Batch.of('traces', data));
    await until(() => got.length === 1);
    expect(got[0].url).toBe('/v1/traces');
    expect(got[0].type).toBe('application/x-protobuf');
    expect(decodeProto('traces', got[0].body)).toEqual(data);
  });
});

describe('jaeger exporter: health', () => {
  it('gRPC: unreachable while Jaeger is down (without any send), healthy once it is up', async () => {
    const port = await freePort();
    // Health checks dial again only after the transport's reconnect backoff (1 s growing to
    // at most 10 s): its timers run on the fake clock, moved on here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { exp } = await exporter({ endpoint: `http://127.0.0.1:${port}` });
    await untilAdvancing(() => exp.health!().healthy === false, 20, 10_000, 'unhealthy');
    expect(exp.health!().message).toBe(`Jaeger at 127.0.0.1:${port} is unreachable (gRPC channel in TRANSIENT_FAILURE)`);
    await grpcServer(port);
    await untilAdvancing(() => exp.health!().healthy, 100, 15_000, 'healthy again');
  });

  it('gRPC: unhealthy with the send error while the last send failed', async () => {
    const srv = await grpcServer();
    srv.script.push({ code: status.UNAVAILABLE, details: 'jaeger is restarting' });
    // The retry waits 5 s: shutdown gives up on it at once, not after the usual 2 s.
    const { exp } = await exporter({ endpoint: `http://127.0.0.1:${srv.port}`, retry_on_failure: { initial_interval: '5s' } }, 'jaeger', 1);
    await exp.consume(Batch.of('traces', guide()));
    await until(() => srv.calls.length === 1);
    await until(() => exp.health!().healthy === false);
    expect(exp.health!().message).toMatch(/UNAVAILABLE: jaeger is restarting/);
  });

  it('HTTP: a TCP probe at most every 5 s tells whether Jaeger listens', async () => {
    const port = await freePort();
    const { exp } = await exporter({ endpoint: `http://127.0.0.1:${port}`, protocol: 'http' });
    expect(exp.health!().healthy).toBe(true); // first probe started, no answer yet
    await until(() => exp.health!().healthy === false, 3000, 'probe result');
    expect(exp.health!().message).toBe(`Jaeger at 127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
  });
});

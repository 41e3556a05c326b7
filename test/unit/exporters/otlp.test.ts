import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { otlpExporterFactory } from '../../../src/exporters/otlp/factory.ts';
import { decodeProto, encodeProtoResponse } from '../../../src/pdata/proto/index.ts';
import { Batch } from '../../../src/pdata/batch.ts';
import { FakeOtlpGrpcServer, status } from './grpc-server.ts';
import { freePort } from '../../helpers/net.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until, untilAdvancing } from '../../helpers/wait.ts';
import { logsBatch, logsData, metricValue } from './fixtures.ts';

const host = { components: () => [] };
const servers: FakeOtlpGrpcServer[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of stops.splice(0)) await s();
  for (const s of servers.splice(0)) await s.close();
});

async function server(port = 0): Promise<FakeOtlpGrpcServer> {
  const s = new FakeOtlpGrpcServer();
  servers.push(s);
  await s.listen(port);
  return s;
}

function exporter(endpoint: string, extra: Record<string, unknown> = {}, id = 'otlp/peer') {
  const settings = testSettings(id);
  const config = otlpExporterFactory.config.parse({
    endpoint,
    retry_on_failure: { initial_interval: '20ms', max_interval: '200ms' },
    ...extra,
  });
  const exp = otlpExporterFactory.create(settings, config, 'logs');
  stops.push(() => exp.shutdown());
  return { exp, settings };
}

/** google.rpc.Status{code, details: [Any(RetryInfo{retry_delay: ms})]} in protobuf. */
function retryInfoStatus(code: number, ms: number): Buffer {
  const len = (b: Buffer) => Buffer.from([b.length]);
  const field = (tag: number, b: Buffer) => Buffer.concat([Buffer.from([tag]), len(b), b]);
  const varint = (n: number) => {
    const out = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  };
  const duration = Buffer.concat([Buffer.from([0x08]), varint(Math.floor(ms / 1000)), Buffer.from([0x10]), varint((ms % 1000) * 1e6)]);
  const retryInfo = field(0x0a, duration);
  const any = Buffer.concat([field(0x0a, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')), field(0x12, retryInfo)]);
  return Buffer.concat([Buffer.from([0x08, code]), field(0x1a, any)]);
}

describe('otlp (gRPC) exporter', () => {
  it('config: endpoint required; TLS unless insecure or http://', () => {
    expect(() => otlpExporterFactory.config.parse({})).toThrow(/endpoint/);
    const c = otlpExporterFactory.config.parse({ endpoint: 'collector:4317' });
    expect(c).toMatchObject({ compression: 'gzip', headers: {}, timeout: 5000, tls: { insecure: false, insecure_skip_verify: false } });
    expect(() => otlpExporterFactory.config.parse({ endpoint: 'x:1', tls: { cert_file: 'a.pem' } })).toThrow(/key_file/);
  });

  it('sends the export request with headers as metadata, gzip-compressed, and the data arrives intact', async () => {
    const srv = await server();
    const { exp, settings } = exporter(`http://127.0.0.1:${srv.port}`, { headers: { 'X-Api-Key': 'secret' } });
    await exp.start(host);
    await exp.consume(logsBatch(3, 'grpc'));
    await until(() => srv.calls.length === 1);
    const call = srv.calls[0];
    expect(call.signal).toBe('logs');
    expect(call.metadata['x-api-key']).toBe('secret');
    expect(decodeProto('logs', call.bytes)).toEqual(logsData(3, 'grpc'));
    await until(async () => (await metricValue(settings, 'otelcol_exporter_sent_log_records_total', 'otlp/peer')) === 3);
  });

  it('compresses the message with gzip on the wire', async () => {
    // A bare HTTP/2 server, to see the frames as sent (grpc-js servers decompress silently).
    const seen: Array<{ encoding: unknown; path: unknown; flag: number; message: Buffer }> = [];
    const h2: Http2Server = createH2Server();
    h2.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ encoding: headers['grpc-encoding'], path: headers[':path'], flag: body[0], message: body.subarray(5, 5 + body.readUInt32BE(1)) });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => h2.close(() => r())));
    const { exp } = exporter(`http://127.0.0.1:${(h2.address() as { port: number }).port}`);
    await exp.start(host);
    await exp.consume(logsBatch(20, 'compress me please'));
    await until(() => seen.length === 1);
    expect(seen[0].path).toBe('/opentelemetry.proto.collector.logs.v1.LogsService/Export');
    expect(seen[0].encoding).toBe('gzip');
    expect(seen[0].flag).toBe(1);
    expect(decodeProto('logs', gunzipSync(seen[0].message))).toEqual(logsData(20, 'compress me please'));
  });

  it('retries UNAVAILABLE, then delivers', async () => {
    const srv = await server();
    srv.script.push({ code: status.UNAVAILABLE, details: 'busy' }, { code: status.RESOURCE_EXHAUSTED, details: 'queue full' });
    const { exp, settings } = exporter(`127.0.0.1:${srv.port}`, { tls: { insecure: true } });
    await exp.start(host);
    await exp.consume(logsBatch(2));
    await until(async () => (await metricValue(settings, 'otelcol_exporter_sent_log_records_total', 'otlp/peer')) === 2);
    expect(srv.calls.length).toBe(3);
    expect(srv.calls[2].bytes).toEqual(srv.calls[0].bytes);
  });

  it("honours the server's RetryInfo delay", async () => {
    const srv = await server();
    srv.script.push({ code: status.RESOURCE_EXHAUSTED, details: 'slow down', retryInfoBin: retryInfoStatus(8, 400) });
    const { exp } = exporter(`http://127.0.0.1:${srv.port}`, { timeout: '1h' }); // out of reach of the fake clock
    await exp.start(host);
    // The wait is a timer: the fake clock moves it on, and dates the calls.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await exp.consume(logsBatch(1));
    await untilAdvancing(() => srv.calls.length === 2, 20, 10_000, 'the retry');
    expect(srv.calls[1].at - srv.calls[0].at).toBeGreaterThanOrEqual(400); // the backoff alone would be ~20ms
  });

  it('drops INVALID_ARGUMENT at once, counted with its reason', async () => {
    const srv = await server();
    srv.script.push({ code: status.INVALID_ARGUMENT, details: 'bad span id' });
    const { exp, settings } = exporter(`http://127.0.0.1:${srv.port}`);
    await exp.start(host);
    await exp.consume(logsBatch(4));
    await until(async () => (await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')) === 4);
    expect(srv.calls.length).toBe(1);
    expect(settings.logs.some((l) => String(l.msg).includes('INVALID_ARGUMENT: bad span id'))).toBe(true);
  });

  it('counts a partial success as dropped items', async () => {
    const srv = await server();
    srv.script.push({ response: Buffer.from(encodeProtoResponse('logs', { rejected: 2, errorMessage: 'too old' })) });
    const { exp, settings } = exporter(`http://127.0.0.1:${srv.port}`);
    await exp.start(host);
    await exp.consume(Batch.of('logs', logsData(5), 5));
    await until(async () => (await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="partial_success"')) === 2);
    expect(settings.logs.some((l) => String(l.msg).includes('too old'))).toBe(true);
  });

  it('peer down: retries with backoff and delivers once the peer is up', async () => {
    const port = await freePort();
    const { exp, settings } = exporter(`http://127.0.0.1:${port}`, { timeout: '1h' }); // out of reach of the fake clock
    await exp.start(host);
    // The exporter's retry backoff is a timer: the fake clock moves it on (each retry dials
    // again at once; the transport's reconnect backoff only holds back health checks).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await exp.consume(logsBatch(2, 'late'));
    await untilAdvancing(() => !exp.health!().healthy, 20, 10_000, 'the exporter to notice the peer is down');
    expect(exp.health!().message).toMatch(/UNAVAILABLE/);
    const srv = await server(port);
    await untilAdvancing(() => srv.calls.length === 1, 100, 15_000, 'delivery after the peer came up');
    expect(decodeProto('logs', srv.calls[0].bytes)).toEqual(logsData(2, 'late'));
    await until(() => exp.health!().healthy);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
  });
});

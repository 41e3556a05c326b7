import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { otlpHttpExporterFactory } from '../../../src/exporters/otlphttp/factory.ts';
import { decodeJson } from '../../../src/pdata/json/index.ts';
import { decodeProto, encodeProtoResponse } from '../../../src/pdata/proto/index.ts';
import { freePort } from '../../helpers/net.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until, untilAdvancing } from '../../helpers/wait.ts';
import { logsBatch, logsData, metricValue } from './fixtures.ts';

const host = { components: () => [] };

interface Recorded {
  /** Date.now() when the request arrived (the fake clock under fake timers). */
  at: number;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
type Reply = { status: number; headers?: Record<string, string>; body?: Buffer | string };

/** A real HTTP server on loopback that records requests and plays scripted replies (fault injection). */
class FakeOtlpHttpServer {
  readonly requests: Recorded[] = [];
  readonly script: Reply[] = [];
  server: Server | undefined;
  port = 0;
  async listen(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ at: Date.now(), url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        const r = this.script.shift() ?? { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  close(): Promise<void> {
    const s = this.server;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((r) => s.close(() => r()));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(port = 0): Promise<FakeOtlpHttpServer> {
  const s = new FakeOtlpHttpServer();
  await s.listen(port);
  cleanups.push(() => s.close());
  return s;
}

function exporter(raw: Record<string, unknown>, id = 'otlphttp/peer') {
  const settings = testSettings(id);
  const config = otlpHttpExporterFactory.config.parse({ retry_on_failure: { initial_interval: '20ms', max_interval: '200ms' }, ...raw });
  const exp = otlpHttpExporterFactory.create(settings, config, 'logs');
  cleanups.push(() => exp.shutdown());
  return { exp, settings };
}

/** google.rpc.Status { code, message } in protobuf, as an OTLP server sends with an error. */
function rpcStatus(code: number, message: string): Buffer {
  const m = Buffer.from(message);
  return Buffer.concat([Buffer.from([0x08, code, 0x12, m.length]), m]);
}

describe('otlphttp exporter', () => {
  it('config: defaults, and a clear error when no URL is known for the signal', () => {
    const c = otlpHttpExporterFactory.config.parse({ endpoint: 'http://x:4318' });
    expect(c).toMatchObject({ encoding: 'proto', compression: 'gzip', headers: {}, timeout: 5000 });
    expect(() => otlpHttpExporterFactory.config.parse({ endpoint: 'x:4318' })).toThrow(/http/);
    const noUrl = otlpHttpExporterFactory.config.parse({ traces_endpoint: 'http://x:4318/t' });
    expect(() => otlpHttpExporterFactory.create(testSettings('otlphttp'), noUrl, 'logs')).toThrow(/logs_endpoint/);
  });

  it('POSTs gzip-compressed protobuf to <endpoint>/v1/logs with the configured headers', async () => {
    const srv = await server();
    const { exp, settings } = exporter({ endpoint: `http://127.0.0.1:${srv.port}/`, headers: { Authorization: 'Bearer t0k' } });
    await exp.start(host);
    await exp.consume(logsBatch(3, 'http'));
    await until(() => srv.requests.length === 1);
    const r = srv.requests[0];
    expect(r.url).toBe('/v1/logs');
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.authorization).toBe('Bearer t0k');
    expect(decodeProto('logs', gunzipSync(r.body))).toEqual(logsData(3, 'http'));
    await until(async () => (await metricValue(settings, 'otelcol_exporter_sent_log_records_total', 'otlphttp/peer')) === 3);
  });

  it('sends OTLP/JSON uncompressed to logs_endpoint as given', async () => {
    const srv = await server();
    const { exp } = exporter({ logs_endpoint: `http://127.0.0.1:${srv.port}/custom/logs`, encoding: 'json', compression: 'none' });
    await exp.start(host);
    await exp.consume(logsBatch(2, 'json'));
    await until(() => srv.requests.length === 1);
    const r = srv.requests[0];
    expect(r.url).toBe('/custom/logs');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(decodeJson('logs', r.body)).toEqual(logsData(2, 'json'));
  });

  it('retries a 503 (honouring Retry-After), then delivers', async () => {
    const srv = await server();
    srv.script.push({ status: 503, headers: { 'retry-after': '1' }, body: 'overloaded' });
    // timeout out of reach of the fake clock: exactly two attempts.
    const { exp, settings } = exporter({ endpoint: `http://127.0.0.1:${srv.port}`, timeout: '1h' });
    await exp.start(host);
    // The wait is a timer: the fake clock moves it on, and dates the requests.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await exp.consume(logsBatch(2));
    await untilAdvancing(async () => (await metricValue(settings, 'otelcol_exporter_sent_log_records_total', 'otlphttp/peer')) === 2, 50, 10_000, 'delivery');
    expect(srv.requests.length).toBe(2);
    expect(srv.requests[1].at - srv.requests[0].at).toBeGreaterThanOrEqual(1000); // not the 20ms backoff
  });

  it("drops a 400 with the body's Status message as the reason", async () => {
    const srv = await server();
    srv.script.push({ status: 400, headers: { 'content-type': 'application/x-protobuf' }, body: rpcStatus(3, 'invalid trace id') });
    const { exp, settings } = exporter({ endpoint: `http://127.0.0.1:${srv.port}` });
    await exp.start(host);
    await exp.consume(logsBatch(4));
    await until(async () => (await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')) === 4);
    expect(srv.requests.length).toBe(1);
    const warn = settings.logs.find((l) => l.reason === 'permanent_error');
    expect(String(warn?.msg)).toContain('HTTP 400: invalid trace id');
  });

  it('counts the partial success in a 200 response as dropped', async () => {
    const srv = await server();
    srv.script.push({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(encodeProtoResponse('logs', { rejected: 1, errorMessage: 'dup' })) });
    const { exp, settings } = exporter({ endpoint: `http://127.0.0.1:${srv.port}` });
    await exp.start(host);
    await exp.consume(logsBatch(3));
    await until(async () => (await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="partial_success"')) === 1);
  });

  it('peer down (connection refused): retried until the server comes up', async () => {
    const port = await freePort();
    const { exp, settings } = exporter({ endpoint: `http://127.0.0.1:${port}` });
    await exp.start(host);
    await exp.consume(logsBatch(2, 'late'));
    await until(() => !exp.health!().healthy);
    expect(exp.health!().message).toMatch(/ECONNREFUSED/);
    const srv = await server(port);
    await until(() => srv.requests.length === 1, 5000, 'delivery after the peer came up');
    expect(decodeProto('logs', gunzipSync(srv.requests[0].body))).toEqual(logsData(2, 'late'));
    await until(() => exp.health!().healthy);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
  });
});

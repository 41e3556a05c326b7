import * as http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
// Every request the OTLP receiver refuses for good is counted with its reason: in
// otelcol_receiver_refused_* and in genrf_collector_dropped_items_total{component="receiver/otlp"}.
// Over max_items_per_request counts limit + 1 items (what the scan saw before it stopped); a
// malformed request, or a body over max_request_body_size, counts 1 (its items are unknown).
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as zlib from 'node:zlib';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { batchProcessorConfig } from '../../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../../src/processors/batch/factory.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import type { SelfMetrics } from '../../../../src/telemetry/metrics.ts';
import { RecordingConsumer, logsRequest, request, testSettings } from './helpers.ts';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const raw = (b: Buffer) => b;
/** resource_logs { scope_logs { log_records { field 13 with wire type 7 (there is none) } } }. */
const BAD_WIRE_TYPE = Buffer.from([0x0a, 0x05, 0x12, 0x03, 0x12, 0x01, 0x6f]);

let receiver: OtlpReceiver | undefined;
let client: grpc.Client | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await receiver?.shutdown();
  receiver = undefined;
});

async function start(protocols: Record<string, unknown>, logs: Consumer): Promise<{ r: OtlpReceiver; metrics: SelfMetrics }> {
  const settings = testSettings();
  const r = otlpReceiverFactory.create(settings, otlpReceiverConfig.parse({ protocols }), { logs }) as OtlpReceiver;
  await r.start({ components: () => [] });
  receiver = r;
  return { r, metrics: settings.metrics };
}

/** The value of one series, 0 when it does not exist. */
function value(metrics: SelfMetrics, name: string, labels: Record<string, string>): number {
  const s = metrics.snapshot().find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v));
  return s?.value ?? 0;
}
const refused = (m: SelfMetrics, transport: string) => value(m, 'otelcol_receiver_refused_log_records_total', { receiver: 'otlp', transport });
const dropped = (m: SelfMetrics, reason: string) => value(m, 'genrf_collector_dropped_items_total', { component: 'receiver/otlp', otel_signal: 'logs', reason });

function grpcCall(r: OtlpReceiver, body: Buffer): Promise<grpc.ServiceError | undefined> {
  client = new grpc.Client(`127.0.0.1:${r.addresses.grpc!.port}`, grpc.credentials.createInsecure());
  const c = client;
  return new Promise((resolve) => {
    c.makeUnaryRequest(LOGS_EXPORT, raw, raw, body, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (err) => resolve(err ?? undefined));
  });
}

describe('OTLP/HTTP refusals are counted with a reason', () => {
  it('over max_items_per_request: 413, limit + 1 items counted as request_too_large, in protobuf and JSON', async () => {
    const { r, metrics } = await start({ http: { endpoint: '127.0.0.1:0', max_items_per_request: 10 } }, new RecordingConsumer());
    const port = r.addresses.http!.port;
    expect((await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(25) })).status).toBe(413);
    expect(refused(metrics, 'http')).toBe(11);
    expect(dropped(metrics, 'request_too_large')).toBe(11);
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(11)}{}]}]}]}`;
    expect((await request(port, '/v1/logs', { headers: JSON_CT, body: json })).status).toBe(413);
    expect(refused(metrics, 'http')).toBe(22);
    expect(dropped(metrics, 'request_too_large')).toBe(22);
    // A request that passes is accepted and counts nothing as refused.
    expect((await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(10) })).status).toBe(200);
    expect(refused(metrics, 'http')).toBe(22);
  });

  it('malformed protobuf, malformed JSON and broken gzip: 400, one per request, reason malformed', async () => {
    const logs = new RecordingConsumer();
    const { r, metrics } = await start({ http: { endpoint: '127.0.0.1:0' } }, logs);
    const port = r.addresses.http!.port;
    expect((await request(port, '/v1/logs', { headers: PROTO, body: BAD_WIRE_TYPE })).status).toBe(400);
    expect((await request(port, '/v1/logs', { headers: JSON_CT, body: '{"resourceLogs":[' })).status).toBe(400);
    expect((await request(port, '/v1/logs', { headers: { ...PROTO, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') })).status).toBe(400);
    expect(refused(metrics, 'http')).toBe(3);
    expect(dropped(metrics, 'malformed')).toBe(3);
    expect(logs.items).toBe(0);
  });

  it('a body over max_request_body_size, declared or inflated: 413, one per request, reason request_too_large', async () => {
    const { r, metrics } = await start({ http: { endpoint: '127.0.0.1:0', max_request_body_size: 1000 } }, new RecordingConsumer());
    const port = r.addresses.http!.port;
    expect((await request(port, '/v1/logs', { headers: PROTO, body: Buffer.alloc(2000) })).status).toBe(413);
    const bomb = zlib.gzipSync(Buffer.alloc(100_000));
    expect((await request(port, '/v1/logs', { headers: { ...PROTO, 'content-encoding': 'gzip' }, body: bomb })).status).toBe(413);
    expect(refused(metrics, 'http')).toBe(2);
    expect(dropped(metrics, 'request_too_large')).toBe(2);
  });

  it('a request bigger than a batch processor can ever hold: 413, its items counted as request_too_large', async () => {
    const config = batchProcessorConfig.parse({ send_batch_size: 100, max_pending_items: 1000 });
    const batch = batchProcessorFactory.create(testSettings('batch'), config, 'logs', new RecordingConsumer());
    const { r, metrics } = await start({ http: { endpoint: '127.0.0.1:0' } }, batch);
    expect((await request(r.addresses.http!.port, '/v1/logs', { headers: PROTO, body: logsRequest(1001) })).status).toBe(413);
    await batch.shutdown();
    expect(refused(metrics, 'http')).toBe(1001);
    expect(dropped(metrics, 'request_too_large')).toBe(1001);
  });
});

describe('OTLP/gRPC refusals are counted with a reason', () => {
  it('over max_items_per_request and malformed: INVALID_ARGUMENT, counted as request_too_large and malformed', async () => {
    const logs = new RecordingConsumer();
    const { r, metrics } = await start({ grpc: { endpoint: '127.0.0.1:0', max_items_per_request: 5 } }, logs);
    expect((await grpcCall(r, logsRequest(6)))?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(refused(metrics, 'grpc')).toBe(6);
    expect(dropped(metrics, 'request_too_large')).toBe(6);
    expect((await grpcCall(r, BAD_WIRE_TYPE))?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(refused(metrics, 'grpc')).toBe(7);
    expect(dropped(metrics, 'malformed')).toBe(1);
    expect(logs.items).toBe(0);
  });

  it('over max_recv_msg_size_mib, before and after decompression, and a corrupt gzip message: counted per request', async () => {
    const logs = new RecordingConsumer();
    const { r, metrics } = await start({ grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 0.01 } }, logs);
    // 20 KB on the wire against a 10 KiB limit (grpc-js checks it too; the server must refuse it as well).
    const big = Buffer.concat([logsRequest(1), Buffer.alloc(20_000, 0)]);
    expect((await grpcCall(r, big))?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused(metrics, 'grpc')).toBe(1);
    expect(dropped(metrics, 'request_too_large')).toBe(1);
    // A 1 MiB message gzipped to ~1 KB: refused while decompressing.
    expect(await rawGzipCall(r, gzipSync(Buffer.alloc(1 << 20)))).toBe(String(grpc.status.RESOURCE_EXHAUSTED));
    expect(dropped(metrics, 'request_too_large')).toBe(2);
    expect(await rawGzipCall(r, Buffer.from('not gzip at all'))).toBe(String(grpc.status.INTERNAL));
    expect(dropped(metrics, 'malformed')).toBe(1);
    expect(refused(metrics, 'grpc')).toBe(3);
    expect(logs.items).toBe(0);
  });
});

/** One call with a message marked gzip-compressed, over node:http2; resolves with grpc-status. */
function rawGzipCall(r: OtlpReceiver, message: Buffer): Promise<string> {
  const s = http2.connect(`http://127.0.0.1:${r.addresses.grpc!.port}`);
  return new Promise((resolve, reject) => {
    s.on('error', reject);
    const req = s.request({ ':method': 'POST', ':path': LOGS_EXPORT, 'content-type': 'application/grpc', te: 'trailers', 'grpc-encoding': 'gzip' });
    let status = '';
    req.on('response', (h) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
    });
    req.on('trailers', (h) => {
      status = String(h['grpc-status']);
    });
    req.on('error', () => {});
    req.on('close', () => {
      s.close();
      resolve(status);
    });
    req.resume();
    const prefix = Buffer.alloc(5);
    prefix[0] = 1;
    prefix.writeUInt32BE(message.length, 1);
    req.end(Buffer.concat([prefix, message]));
  });
}

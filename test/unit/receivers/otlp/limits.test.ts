// Issue 11 item 2: memory bounds at the OTLP receiver. Items per request are counted while the
// request is scanned (after decompression) and the scan stops at max_items_per_request; a
// request refused for good because it is too large is answered 413 / INVALID_ARGUMENT with no
// retry hint (never 429); and read_header_timeout is honoured within a second.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { batchProcessorConfig } from '../../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../../src/processors/batch/factory.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import { RecordingConsumer, logsRequest, readStatus, request, testSettings } from './helpers.ts';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const raw = (b: Buffer) => b;

/** A protobuf varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * ExportLogsServiceRequest { resource_logs { scope_logs { log_records: {} x n } } }: two bytes
 * per record, so 10 million records are 20 MB, and about 20 KB gzipped.
 */
function emptyRecords(n: number): Buffer {
  const records = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) records[2 * i] = 0x12; // field 2, length-delimited, length 0
  // ResourceLogs { scope_logs (2): ScopeLogs { log_records (2) ... } }
  const resource = Buffer.concat([Buffer.from([0x12, ...varint(records.length)]), records]);
  return Buffer.concat([Buffer.from([0x0a, ...varint(resource.length)]), resource]);
}

/** The same as OTLP/JSON: `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{},...]}]}]}`. */
function emptyRecordsJson(n: number): Buffer {
  return Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(n - 1)}{}]}]}]}`);
}

let receiver: OtlpReceiver | undefined;
let client: grpc.Client | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await receiver?.shutdown();
  receiver = undefined;
});

async function startReceiver(protocols: Record<string, unknown>, logs: Consumer): Promise<OtlpReceiver> {
  const r = otlpReceiverFactory.create(testSettings(), otlpReceiverConfig.parse({ protocols }), { logs }) as OtlpReceiver;
  await r.start({ components: () => [] });
  receiver = r;
  return r;
}

function grpcCall(r: OtlpReceiver, body: Buffer): Promise<grpc.ServiceError | undefined> {
  client = new grpc.Client(`127.0.0.1:${r.addresses.grpc!.port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  const c = client;
  return new Promise((resolve) => {
    c.makeUnaryRequest(LOGS_EXPORT, raw, raw, body, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (err) => resolve(err ?? undefined));
  });
}

describe('max_items_per_request', () => {
  it('defaults to 65,536 on both protocols', () => {
    const c = otlpReceiverConfig.parse({ protocols: { grpc: null, http: null } });
    expect(c.protocols.http!.max_items_per_request).toBe(65_536);
    expect(c.protocols.grpc!.max_items_per_request).toBe(65_536);
  });

  it('refuses a 20 KB gzip body of 10 million empty log records with 413 at once, passing nothing on', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0' } }, logs);
    const body = zlib.gzipSync(emptyRecords(10_000_000));
    expect(body.length).toBeLessThan(40_000);
    const started = performance.now();
    const res = await request(r.addresses.http!.port, '/v1/logs', { headers: { ...PROTO, 'content-encoding': 'gzip' }, body });
    const took = performance.now() - started;
    expect(res.status).toBe(413);
    expect(res.headers['retry-after']).toBeUndefined();
    const status = readStatus(res.body);
    expect(status.code).toBe(8); // RESOURCE_EXHAUSTED as for every 413, with no retry info
    expect(status.message).toMatch(/resource_logs\[0\]\.scope_logs\[0\]\.log_records\[65536\]: more than 65536 items in one request \(max_items_per_request\)/);
    expect(logs.items).toBe(0);
    // Inflating 20 MB is all it costs (tens of ms); generous for a loaded machine.
    expect(took).toBeLessThan(3000);
    // The receiver goes on serving.
    const ok = await request(r.addresses.http!.port, '/v1/logs', { headers: PROTO, body: logsRequest(3) });
    expect(ok.status).toBe(200);
    expect(logs.items).toBe(3);
  });

  it('refuses the same bomb as OTLP/JSON with 413 before JSON.parse builds it', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0' } }, logs);
    const body = zlib.gzipSync(emptyRecordsJson(6_000_000));
    const started = performance.now();
    const res = await request(r.addresses.http!.port, '/v1/logs', { headers: { ...JSON_CT, 'content-encoding': 'gzip' }, body });
    const took = performance.now() - started;
    expect(res.status).toBe(413);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: 8, message: expect.stringMatching(/more than 65536 items in one request/) });
    expect(logs.items).toBe(0);
    expect(took).toBeLessThan(3000); // JSON.parse of it takes ~2 s and ~700 MiB alone
  });

  it('is configurable: a limit of 10 takes 10 records and refuses 11, in protobuf and JSON', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0', max_items_per_request: 10 } }, logs);
    const port = r.addresses.http!.port;
    expect((await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(10) })).status).toBe(200);
    expect((await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(11) })).status).toBe(413);
    expect((await request(port, '/v1/logs', { headers: JSON_CT, body: emptyRecordsJson(10) })).status).toBe(200);
    const res = await request(port, '/v1/logs', { headers: JSON_CT, body: emptyRecordsJson(11) });
    expect(res.status).toBe(413);
    expect(logs.items).toBe(20);
  });

  it('counts a JSON key written with escapes as the key it is', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0', max_items_per_request: 2 } }, logs);
    const body = '{"resourceLogs":[{"scopeLogs":[{"log\\u0052ecords":[{},{},{}]}]}]}';
    const res = await request(r.addresses.http!.port, '/v1/logs', { headers: JSON_CT, body });
    expect(res.status).toBe(413);
    expect(logs.items).toBe(0);
  });

  it('refuses 2 million empty records over gRPC with INVALID_ARGUMENT and no retry info', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ grpc: { endpoint: '127.0.0.1:0' } }, logs);
    const err = await grpcCall(r, emptyRecords(2_000_000));
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/more than 65536 items in one request/);
    expect(err?.metadata.get('google.rpc.retryinfo-bin')).toEqual([]);
    expect(logs.items).toBe(0);
  });
});

describe('a request bigger than the batch processor can ever hold', () => {
  function batchInFront(next: Consumer) {
    const config = batchProcessorConfig.parse({ send_batch_size: 100, max_pending_items: 1000 });
    return batchProcessorFactory.create(testSettings('batch'), config, 'logs', next);
  }

  it('gets 413 over HTTP without Retry-After, never 429, also when nothing is pending', async () => {
    const next = new RecordingConsumer();
    const batch = batchInFront(next);
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0' } }, batch);
    const port = r.addresses.http!.port;
    for (let i = 0; i < 2; i++) {
      const res = await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(1001) });
      expect(res.status).toBe(413);
      expect(res.headers['retry-after']).toBeUndefined();
      const status = readStatus(res.body);
      expect(status.code).toBe(8);
      expect(status.message).toMatch(/a request of 1001 logs items can never fit max_pending_items \(1000\)/);
    }
    expect((await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(1000) })).status).toBe(200);
    await batch.shutdown();
    expect(next.items).toBe(1000);
  });

  it('gets INVALID_ARGUMENT over gRPC without retry info', async () => {
    const next = new RecordingConsumer();
    const batch = batchInFront(next);
    const r = await startReceiver({ grpc: { endpoint: '127.0.0.1:0' } }, batch);
    const err = await grpcCall(r, logsRequest(1001));
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/can never fit max_pending_items/);
    expect(err?.metadata.get('google.rpc.retryinfo-bin')).toEqual([]);
    expect(err?.metadata.get('grpc-status-details-bin')).toEqual([]);
    await batch.shutdown();
    expect(next.items).toBe(0);
  });
});

describe('read_header_timeout', () => {
  it('answers 408 to a client that drips its headers within 1 s of the timeout', async () => {
    const logs = new RecordingConsumer();
    const r = await startReceiver({ http: { endpoint: '127.0.0.1:0', read_header_timeout: '2s' } }, logs);
    const socket = net.connect(r.addresses.http!.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = performance.now();
    socket.write('POST /v1/logs HTTP/1.1\r\nHost: x\r\n');
    // One header byte every 100 ms: the connection is never idle, the headers never end.
    const drip = setInterval(() => socket.write('X'), 100);
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.once('close', () => resolve(text));
      socket.on('error', () => {});
    });
    clearInterval(drip);
    const took = performance.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(3000);
  });
});

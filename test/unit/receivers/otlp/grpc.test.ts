import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import type { TracesData } from '../../../../src/pdata/types.ts';
import { RecordingConsumer, logsRequest, readFields, readPartial, testSettings, traceRequest } from './helpers.ts';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const METRICS_EXPORT = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
const raw = (b: Buffer) => b;

let traces: RecordingConsumer;
let logs: RecordingConsumer;
let receiver: OtlpReceiver;
let settings: ReturnType<typeof testSettings>;
let client: grpc.Client;
let gzipClient: grpc.Client;

beforeAll(async () => {
  traces = new RecordingConsumer();
  logs = new RecordingConsumer();
  settings = testSettings();
  const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 1 } } });
  receiver = otlpReceiverFactory.create(settings, config, { traces, logs }) as OtlpReceiver;
  await receiver.start({ components: () => [] });
  const target = `127.0.0.1:${receiver.addresses.grpc!.port}`;
  client = new grpc.Client(target, grpc.credentials.createInsecure());
  // 2 = gzip in grpc-js's compression algorithm numbering.
  gzipClient = new grpc.Client(target, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
});

afterAll(async () => {
  client.close();
  gzipClient.close();
  await receiver.shutdown();
});

beforeEach(() => {
  traces.refuse = undefined;
});

interface CallResult {
  error?: grpc.ServiceError;
  response?: Buffer;
}

function call(path: string, body: Buffer, c: grpc.Client = client): Promise<CallResult> {
  return new Promise((resolve) => {
    c.makeUnaryRequest(path, raw, raw, body, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (error, response) => {
      resolve(error ? { error } : { response: response! });
    });
  });
}

describe('otlp receiver over gRPC', () => {
  it('takes traces and answers with an empty response', async () => {
    const before = traces.items;
    const res = await call(TRACE_EXPORT, traceRequest(3));
    expect(res.error).toBeUndefined();
    expect(readPartial(res.response!)).toBeUndefined();
    expect(traces.items).toBe(before + 3);
    const data = traces.batches.at(-1)!.data as TracesData;
    expect(data.resourceSpans[0].scopeSpans[0].spans[2].name).toBe('span-2');
    expect(await settings.metrics.render()).toMatch(/otelcol_receiver_accepted_spans_total\{receiver="otlp",transport="grpc"\} \d+/);
  });

  it('takes a gzip-compressed request', async () => {
    const before = logs.items;
    const res = await call(LOGS_EXPORT, logsRequest(7), gzipClient);
    expect(res.error).toBeUndefined();
    expect(logs.items).toBe(before + 7);
  });

  it('answers INVALID_ARGUMENT with the decode error for a malformed request, then keeps serving', async () => {
    const res = await call(TRACE_EXPORT, Buffer.from([0x0a, 0x05, 0x01]));
    expect(res.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(res.error?.details).toMatch(/malformed traces request: .+/);
    expect((await call(TRACE_EXPORT, traceRequest(1))).error).toBeUndefined();
  });

  it('answers RESOURCE_EXHAUSTED with a retry hint when a queue is full', async () => {
    traces.refuse = () => ConsumerError.retryable('queue_full', 'sending queue is full', 2000);
    const res = await call(TRACE_EXPORT, traceRequest(2));
    expect(res.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(res.error?.details).toMatch(/sending queue is full \(queue_full\); retry later/);
    const retryInfo = res.error!.metadata.get('google.rpc.retryinfo-bin')[0] as Buffer;
    const delay = readFields(readFields(retryInfo).get(1)![0] as Uint8Array);
    expect(delay.get(1)?.[0]).toBe(2); // seconds
    traces.refuse = undefined;
    expect((await call(TRACE_EXPORT, traceRequest(1))).error).toBeUndefined();
  });

  it('answers UNAVAILABLE for other retryable refusals', async () => {
    traces.refuse = () => ConsumerError.retryable('retries_exhausted', 'jaeger is down');
    const res = await call(TRACE_EXPORT, traceRequest(1));
    expect(res.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(res.error?.details).toMatch(/jaeger is down/);
  });

  it('answers OK with partial_success when records are refused for good', async () => {
    traces.refuse = () => ConsumerError.permanent('permanent_error', 'one span is broken', 1);
    const res = await call(TRACE_EXPORT, traceRequest(4));
    expect(res.error).toBeUndefined();
    expect(readPartial(res.response!)).toEqual({ rejected: 1, errorMessage: 'one span is broken' });
  });

  it('answers UNIMPLEMENTED naming the signal when no pipeline takes it', async () => {
    const res = await call(METRICS_EXPORT, Buffer.alloc(0));
    expect(res.error?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(res.error?.details).toMatch(/no pipeline takes metrics/);
  });

  it('answers RESOURCE_EXHAUSTED for a message above max_recv_msg_size_mib', async () => {
    const res = await call(TRACE_EXPORT, traceRequest(40_000)); // ~1.6 MiB > 1 MiB
    expect(res.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await call(TRACE_EXPORT, traceRequest(1))).error).toBeUndefined();
  });

  it('refuses a gzip bomb without inflating it', async () => {
    // A valid message padded with 64 MiB of zeros in an unknown field: tiny once gzipped.
    const before = process.memoryUsage.rss();
    const bomb = Buffer.concat([Buffer.from([0x7a, 0x80, 0x80, 0x80, 0x20]), Buffer.alloc(64 * 1024 * 1024)]);
    const res = await call(TRACE_EXPORT, bomb, gzipClient);
    expect(res.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // The client built the 64 MiB buffer itself; the server must not add another copy.
    expect(process.memoryUsage.rss() - before).toBeLessThan(64 * 1024 * 1024 + 40 * 1024 * 1024);
  });

  it('fails to start with a clear message when the port is taken', async () => {
    const port = receiver.addresses.grpc!.port;
    const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: `127.0.0.1:${port}` } } });
    const second = otlpReceiverFactory.create(testSettings(), config, { traces });
    await expect(second.start({ components: () => [] })).rejects.toThrow(`otlp: cannot listen on 127.0.0.1:${port}: address already in use`);
  });
});

// The receiver against the real OpenTelemetry JS SDK exporters (in process, loopback).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as TraceHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import type { TracesData } from '../../../../src/pdata/types.ts';
import { RecordingConsumer, testSettings } from './helpers.ts';
import { untilAdvancing } from '../../../helpers/wait.ts';

type Protocol = 'http/json' | 'http/protobuf' | 'grpc';

let traces: RecordingConsumer;
let receiver: OtlpReceiver;

beforeAll(async () => {
  traces = new RecordingConsumer();
  const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0' }, http: { endpoint: '127.0.0.1:0' } } });
  receiver = otlpReceiverFactory.create(testSettings(), config, { traces }) as OtlpReceiver;
  await receiver.start({ components: () => [] });
});

afterAll(async () => {
  await receiver.shutdown();
});

beforeEach(() => {
  traces.batches.length = 0;
  traces.refuse = undefined;
});

function exporter(protocol: Protocol): SpanExporter {
  const { http, grpc } = receiver.addresses;
  if (protocol === 'grpc') return new TraceGrpc({ url: `http://127.0.0.1:${grpc!.port}` });
  const url = `http://127.0.0.1:${http!.port}/v1/traces`;
  return protocol === 'http/json' ? new TraceHttp({ url }) : new TraceProto({ url });
}

async function sendSpans(protocol: Protocol, names: string[]): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'sdk-test', 'test.protocol': protocol }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporter(protocol) })],
  });
  const tracer = provider.getTracer('genrf.sdk-test');
  for (const name of names) tracer.startSpan(name, { attributes: { 'genrf.n': name.length } }).end();
  await provider.forceFlush();
  await provider.shutdown();
}

function spanNames(): string[] {
  return traces.batches.flatMap((b) => (b.data as TracesData).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
}

describe.each<Protocol>(['http/protobuf', 'http/json', 'grpc'])('OpenTelemetry JS SDK over %s', (protocol) => {
  it('delivers the spans with their resource', async () => {
    await sendSpans(protocol, ['checkout', 'pay']);
    expect(spanNames().sort()).toEqual(['checkout', 'pay']);
    const rs = (traces.batches[0].data as TracesData).resourceSpans[0];
    expect(rs.resource.attributes.find((a) => a.key === 'test.protocol')?.value.stringValue).toBe(protocol);
  });
});

// The JS SDK's gRPC transport does not retry failed calls at all (its HTTP transports honor
// 429 + Retry-After), so this runs over HTTP only; grpc.test.ts checks the gRPC status and RetryInfo.
describe.each<Protocol>(['http/protobuf', 'http/json'])('OpenTelemetry JS SDK over %s, refused once', (protocol) => {
  it('retries after a queue_full refusal, and the span arrives', async () => {
    let refusals = 0;
    traces.refuse = () => (refusals++ === 0 ? ConsumerError.retryable('queue_full', 'sending queue is full', 100) : undefined);
    // The SDK waits the Retry-After (1 s) on a timer: the fake clock moves it on.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const sent = sendSpans(protocol, ['retried']);
      await untilAdvancing(() => spanNames().length > 0, 100, 10_000, 'the retried span');
      await sent;
    } finally {
      vi.useRealTimers();
    }
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(spanNames()).toEqual(['retried']);
  });
});

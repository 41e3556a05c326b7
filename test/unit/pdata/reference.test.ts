// Independent reference: spans and log records serialized by the OpenTelemetry JS SDK's own
// protobuf serializer (@opentelemetry/otlp-transformer) must decode correctly with ours.
import { describe, expect, it } from 'vitest';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';
import { countProtoItems } from '../../../src/pdata/ops.ts';

describe('reference encoder: @opentelemetry/otlp-transformer', () => {
  it('spans it encodes decode with every field, and re-encode to the same meaning', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter } as never)] } as never);
    const tracer = provider.getTracer('ref.lib', '9.9.9');
    const parent = tracer.startSpan('parent', { kind: 1, attributes: { s: 'v', i: 42, d: 1.5, b: true, arr: ['x', 'y'] } });
    parent.addEvent('evt', { k: 'v' });
    parent.setStatus({ code: 2, message: 'failed' });
    parent.end();
    const linked = tracer.startSpan('child', { kind: 3, links: [{ context: parent.spanContext(), attributes: { l: 1 } }] });
    linked.end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const bytes = ProtobufTraceSerializer.serializeRequest(spans as never)!;

    expect(countProtoItems('traces', bytes)).toBe(2);
    const data = decodeProto('traces', bytes);
    const ss = data.resourceSpans[0].scopeSpans[0];
    expect(ss.scope).toMatchObject({ name: 'ref.lib', version: '9.9.9' });
    const [p, c] = ss.spans;
    const ctx = spans[0].spanContext();
    expect(p.traceId).toBe(ctx.traceId);
    expect(p.spanId).toBe(ctx.spanId);
    expect(p.name).toBe('parent');
    // The API's SpanKind counts from INTERNAL = 0; OTLP's from UNSPECIFIED = 0, INTERNAL = 1.
    expect(p.kind).toBe(2);
    expect(c.kind).toBe(4);
    expect(p.attributes).toEqual([
      { key: 's', value: { stringValue: 'v' } },
      { key: 'i', value: { intValue: 42n } },
      { key: 'd', value: { doubleValue: 1.5 } },
      { key: 'b', value: { boolValue: true } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { stringValue: 'y' }] } } },
    ]);
    expect(p.events[0]).toMatchObject({ name: 'evt', attributes: [{ key: 'k', value: { stringValue: 'v' } }] });
    expect(p.status).toEqual({ message: 'failed', code: 2 });
    const [sec, nano] = spans[0].startTime;
    expect(p.startTimeUnixNano).toBe(BigInt(sec) * 1_000_000_000n + BigInt(nano));
    expect(c.links[0]).toMatchObject({ traceId: ctx.traceId, spanId: ctx.spanId, attributes: [{ key: 'l', value: { intValue: 1n } }] });
    expect(data.resourceSpans[0].resource.attributes.map((a) => a.key)).toContain('service.name');
    expect(decodeProto('traces', encodeProto('traces', data))).toStrictEqual(data);
  });

  it('log records it encodes decode with body, severity and event name', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter } as never)] } as never);
    provider.getLogger('ref.logs').emit({ body: { nested: [1, 'a'] }, severityNumber: 17, severityText: 'ERROR', attributes: { a: 1 }, eventName: 'my.event' } as never);
    await provider.forceFlush();
    const records = exporter.getFinishedLogRecords();
    const bytes = ProtobufLogsSerializer.serializeRequest(records as never)!;
    const rec = decodeProto('logs', bytes).resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(rec).toMatchObject({ severityNumber: 17, severityText: 'ERROR', eventName: 'my.event', attributes: [{ key: 'a', value: { intValue: 1n } }] });
    expect(rec.body).toEqual({
      kvlistValue: { values: [{ key: 'nested', value: { arrayValue: { values: [{ intValue: 1n }, { stringValue: 'a' }] } } }] },
    });
  });
});

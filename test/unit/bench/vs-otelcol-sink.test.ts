// The vs-otelcol harness's sink counts what a daemon delivers and measures latency from the
// probes' trace ids: a miscount would skew every CPU-per-item figure it prints.
import { connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { countItems, probeRequest, PROBE_MAGIC, Sink } from '../../../bench/vs-otelcol/sink.ts';
import { summarise, percentile } from '../../../bench/vs-otelcol/report.ts';
import { benchTraces } from '../../../bench/spans.ts';
import { decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';

function twoResources(): Buffer {
  const a = benchTraces(3, 0);
  const b = benchTraces(5, 100);
  // a second scope in the first resource, so that every level has more than one entry
  a.resourceSpans[0].scopeSpans.push({ ...b.resourceSpans[0].scopeSpans[0], spans: benchTraces(2, 200).resourceSpans[0].scopeSpans[0].spans });
  return Buffer.from(encodeProto('traces', { resourceSpans: [...a.resourceSpans, ...b.resourceSpans] }));
}

function export_(port: number, path: string, msg: Buffer, gzip = false): Promise<string | undefined> {
  const session = connect(`http://127.0.0.1:${port}`);
  const body = gzip ? gzipSync(msg) : msg;
  const frame = Buffer.alloc(5 + body.length);
  frame[0] = gzip ? 1 : 0;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return new Promise((res, rej) => {
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', ...(gzip ? { 'grpc-encoding': 'gzip' } : {}) });
    req.on('trailers', (t) => {
      res(t['grpc-status'] as string | undefined);
      session.close();
    });
    req.on('error', rej);
    req.resume();
    req.end(frame);
  });
}

describe('vs-otelcol sink', () => {
  let sink: Sink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  it('counts the spans of every resource and scope without decoding', () => {
    expect(countItems(twoResources())).toBe(3 + 2 + 5);
  });

  it('builds probes that the OTLP decoder reads, with the send time in the trace id', () => {
    const sent = 1_764_000_000_123_000_000n;
    const t = decodeProto('traces', probeRequest('traces', sent));
    const span = t.resourceSpans[0].scopeSpans[0].spans[0];
    expect(Buffer.from(span.traceId, 'hex').subarray(0, 8)).toEqual(PROBE_MAGIC);
    expect(Buffer.from(span.traceId, 'hex').readBigUInt64BE(8)).toBe(sent);
    expect(span.startTimeUnixNano).toBe(sent);
    const l = decodeProto('logs', probeRequest('logs', sent));
    expect(Buffer.from(l.resourceLogs[0].scopeLogs[0].logRecords[0].traceId, 'hex').readBigUInt64BE(8)).toBe(sent);
  });

  it('answers OK, counts load and probes apart, and reads gzip', async () => {
    sink = new Sink();
    const port = await sink.listen();
    const path = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
    expect(await export_(port, path, twoResources())).toBe('0');
    expect(await export_(port, path, twoResources(), true)).toBe('0');
    // a probe sent 30 ms ago, batched together with load as a daemon's batch processor would
    const probe = decodeProto('traces', probeRequest('traces', BigInt(Date.now() - 30) * 1_000_000n));
    const load = decodeProto('traces', twoResources());
    expect(await export_(port, path, Buffer.from(encodeProto('traces', { resourceSpans: [...load.resourceSpans, ...probe.resourceSpans] })))).toBe('0');
    const c = sink.take();
    expect(c.items).toBe(30);
    expect(c.requests).toBe(3);
    expect(c.latenciesMs).toHaveLength(1);
    expect(c.latenciesMs[0]).toBeGreaterThanOrEqual(30);
    expect(c.latenciesMs[0]).toBeLessThan(10_000);
    expect(sink.take().items).toBe(0);
  });
});

describe('vs-otelcol report', () => {
  it('gives CPU seconds per million items, throughput and p99 per daemon', () => {
    const s = summarise([
      { scenario: 1, daemon: 'ours', rep: 0, items: 2_000_000, seconds: 20, cpuSeconds: 14, peakRssMiB: 160, latenciesMs: [1, 2, 3], probesSent: 3 },
      { scenario: 1, daemon: 'otelcol', rep: 0, items: 1_000_000, seconds: 10, cpuSeconds: 4, peakRssMiB: 50, latenciesMs: [5], probesSent: 1 },
    ]).get(1)!;
    expect(s.ours.cpuPerM).toEqual([7]);
    expect(s.otelcol.cpuPerM).toEqual([4]);
    expect(s.ours.throughput).toEqual([100_000]);
    expect(s.ours.p99).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
  });
});

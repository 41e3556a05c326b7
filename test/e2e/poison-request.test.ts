// Issue 11 item 1: one malformed request must never cost other clients' data. The pipeline is
// otlp -> batch -> file with no processor that decodes, so before the fix the receiver only
// skimmed protobuf, the batch processor concatenated a poisoned request with good ones, and the
// file exporter dropped the whole merged batch. Now the receiver validates every nested
// message and refuses the bad requests (HTTP 400 / gRPC INVALID_ARGUMENT naming the field),
// and every good record sent at the same time is in the file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from './helpers/daemon.ts';
import { allRecords, grpcExport, logBodies, logsProto, metricValue, postOtlp, readJsonLines, scrape, waitForRecords } from './helpers/otlp.ts';

const INVALID_ARGUMENT = 3;

let daemon: Daemon | undefined;
let dir = '';
let httpPort = 0;
let grpcPort = 0;
let metricsPort = 0;
const file = () => join(dir, 'logs.jsonl');

beforeAll(async () => {
  dir = await tempDir();
  [httpPort, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  // A long batch timeout and a big batch size: every request of a round lands in one batch.
  daemon = await startDaemon(
    `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
      http: { endpoint: 127.0.0.1:${httpPort} }
processors:
  batch: { timeout: 1s, send_batch_size: 10000 }
exporters:
  file: { path: ${file()}, flush_interval: 20ms }
service:
  telemetry: { metrics: { address: 127.0.0.1:${metricsPort} } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
    { dir },
  );
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

// ---- hand-made protobuf (independent of the daemon's codec) ----

function varint(out: number[], v: number): void {
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}
function len(field: number, body: number[]): number[] {
  const out: number[] = [];
  varint(out, (field << 3) | 2);
  varint(out, body.length);
  return out.concat(body);
}
const str = (field: number, s: string): number[] => len(field, [...Buffer.from(s, 'utf8')]);
/** ExportLogsServiceRequest { resource_logs { scope_logs { log_records { <record> } } } } */
const oneRecord = (record: number[]): Uint8Array => Uint8Array.from(len(1, len(2, [...len(1, str(1, 'genrf.e2e')), ...len(2, record)])));

/** A log record whose body is fine but which ends with field 13 of wire type 7 (there is no wire type 7). */
function badWireType(tag: string): Uint8Array {
  return oneRecord([...len(5, str(1, tag)), (13 << 3) | 7, 1, 2, 3]);
}

/** A log record whose body is a kvlist nested `depth` levels deep. */
function deepKvlist(depth: number): Uint8Array {
  let value = str(1, 'leaf'); // AnyValue { string_value }
  for (let i = 0; i < depth; i++) value = len(6, len(1, [...str(1, 'k'), ...len(2, value)])); // AnyValue { kvlist_value { values { key, value } } }
  return oneRecord(len(5, value));
}

describe('a poisoned request among good ones (otlp -> batch -> file)', () => {
  it('is refused with the field named; the 15 good records sent with it over HTTP and over gRPC are all written', async () => {
    const wire = badWireType('poison-bad-wire-type-1');
    expect(wire.length).toBe(49); // the size of the request in the report
    const deep = deepKvlist(70);

    const good: Array<Promise<{ ok: boolean; what: string }>> = [];
    for (let i = 0; i < 15; i++) {
      good.push(postOtlp(httpPort, '/v1/logs', logsProto('http', 1, i)).then((r) => ({ ok: r.status === 200, what: `http ${i}: ${r.status} ${r.text}` })));
      good.push(grpcExport(grpcPort, 'logs', logsProto('grpc', 1, i)).then((r) => ({ ok: r.code === 0, what: `grpc ${i}: ${r.code} ${r.details}` })));
    }
    const [httpWire, httpDeep, grpcWire, grpcDeep, goodResults] = await Promise.all([
      postOtlp(httpPort, '/v1/logs', wire),
      postOtlp(httpPort, '/v1/logs', deep),
      grpcExport(grpcPort, 'logs', wire),
      grpcExport(grpcPort, 'logs', deep),
      Promise.all(good),
    ]);
    for (const r of goodResults) expect(r.ok, r.what).toBe(true);

    expect(httpWire.status).toBe(400);
    expect(httpWire.text).toMatch(/resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]/);
    expect(httpWire.text).toMatch(/invalid wire type 7/);
    expect(httpDeep.status).toBe(400);
    expect(httpDeep.text).toMatch(/resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]\.body\.kvlist_value\.values\[0\]\.value\.kvlist_value/);
    expect(httpDeep.text).toMatch(/nested deeper than 64 levels/);
    expect(grpcWire.code).toBe(INVALID_ARGUMENT);
    expect(grpcWire.details).toMatch(/resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\].*invalid wire type 7/);
    expect(grpcDeep.code).toBe(INVALID_ARGUMENT);
    expect(grpcDeep.details).toMatch(/log_records\[0\]\.body\.kvlist_value.*nested deeper than 64 levels/);

    const want = [...Array.from({ length: 15 }, (_, i) => `http-${i}`), ...Array.from({ length: 15 }, (_, i) => `grpc-${i}`)].sort();
    await waitForRecords(file(), 'logs', want.length);
    expect(logBodies(await readJsonLines(file())).sort()).toEqual(want);

    // Nothing was dropped downstream: the bad requests never got in. The receiver counts each
    // of the four it refused, one per request, with the reason.
    const m = await scrape(metricsPort);
    expect(metricValue(m, 'otelcol_exporter_send_failed_log_records_total')).toBe(0);
    expect(metricValue(m, 'genrf_collector_dropped_items_total')).toBe(4);
    expect(metricValue(m, 'genrf_collector_dropped_items_total', { component: 'receiver/otlp', reason: 'malformed' })).toBe(4);
    expect(metricValue(m, 'otelcol_receiver_refused_log_records_total', { transport: 'http' })).toBe(2);
    expect(metricValue(m, 'otelcol_receiver_refused_log_records_total', { transport: 'grpc' })).toBe(2);
  });

  it('nesting of exactly 64 levels is accepted and written, as in OTLP/JSON', async () => {
    const res = await postOtlp(httpPort, '/v1/logs', deepKvlist(64));
    expect(res.status, res.text).toBe(200);
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    await waitFor(async () => {
      body = allRecords('logs', await readJsonLines(file())).find((r) => r.body?.kvlistValue !== undefined)?.body;
      return body !== undefined;
    });
    let depth = 0;
    while (body?.kvlistValue !== undefined) {
      body = body.kvlistValue.values[0].value;
      depth++;
    }
    expect(depth).toBe(64);
    expect(body).toEqual({ stringValue: 'leaf' });
  });

  it('depth limits agree across encodings: 65 levels of OTLP/JSON are refused as protobuf is', async () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 65; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
    const json = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: value }] }] }] });
    const res = await postOtlp(httpPort, '/v1/logs', json);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).message).toMatch(/nested deeper than 64 levels/);
    const proto = await postOtlp(httpPort, '/v1/logs', deepKvlist(65));
    expect(proto.status).toBe(400);
  });
});

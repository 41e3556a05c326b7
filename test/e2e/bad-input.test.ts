// Bad requests against the running daemon: each is refused with the right status and a
// message, and the daemon keeps serving: every record accepted before and after is in the file.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { grpcExport, logBodies, logsProto, logsRequest, postOtlp, readJsonLines, waitForRecords } from './helpers/otlp.ts';

const MAX_BODY = 64 * 1024;
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;

let daemon: Daemon | undefined;
let dir = '';
let httpPort = 0;
let grpcPort = 0;
const file = () => join(dir, 'logs.jsonl');
/** Bodies of every record the daemon accepted (answered 2xx / OK). */
const accepted: string[] = [];
let seq = 0;

beforeAll(async () => {
  dir = await tempDir();
  [httpPort, grpcPort] = [await freePort(), await freePort()];
  daemon = await startDaemon(
    `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${grpcPort}, max_recv_msg_size_mib: 1 }
      http: { endpoint: 127.0.0.1:${httpPort}, max_request_body_size: ${MAX_BODY} }
exporters:
  file: { path: ${file()}, flush_interval: 20ms }
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], exporters: [file] }
`,
    { dir },
  );
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

/** A good request over JSON, protobuf and gRPC; each must be accepted. */
async function sendGood(label: string): Promise<void> {
  const n = 3;
  const json = await postOtlp(httpPort, '/v1/logs', JSON.stringify(logsRequest(`${label}-json`, n, seq)));
  expect(json.status, `good JSON request after ${label}: ${json.text}`).toBe(200);
  const proto = await postOtlp(httpPort, '/v1/logs', logsProto(`${label}-proto`, n, seq));
  expect(proto.status, `good protobuf request after ${label}`).toBe(200);
  const grpc = await grpcExport(grpcPort, 'logs', logsProto(`${label}-grpc`, n, seq));
  expect(grpc.code, `good gRPC request after ${label}: ${grpc.details}`).toBe(0);
  for (const kind of ['json', 'proto', 'grpc']) for (let i = seq; i < seq + n; i++) accepted.push(`${label}-${kind}-${i}`);
  seq += n;
}

/** A google.rpc.Status in JSON: code and a message that says something. */
function jsonStatus(text: string): { code: number; message: string } {
  const s = JSON.parse(text);
  expect(typeof s.message).toBe('string');
  expect(s.message.length).toBeGreaterThan(10);
  return s;
}

describe('bad input', () => {
  it('accepts good data to begin with', async () => {
    await sendGood('start');
  });

  it('malformed protobuf -> 400 with a message', async () => {
    // Field 1 (resource_logs), length-delimited, claiming 2^28 bytes that are not there.
    const res = await postOtlp(httpPort, '/v1/logs', Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x02]));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(res.text).toMatch(/protobuf/i);
    await sendGood('bad-proto');
  });

  it('malformed JSON -> 400 with a message', async () => {
    const res = await postOtlp(httpPort, '/v1/logs', '{"resourceLogs": [ {"scopeLogs": ');
    expect(res.status).toBe(400);
    expect(jsonStatus(res.text).code).toBe(INVALID_ARGUMENT);
    await sendGood('bad-json');
  });

  it('JSON of the wrong shape -> 400', async () => {
    const res = await postOtlp(httpPort, '/v1/logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: 'not a list' }] }] }));
    expect(res.status).toBe(400);
    expect(jsonStatus(res.text).message).toMatch(/logRecords/);
    await sendGood('bad-shape');
  });

  it('wrong media type -> 415 naming the supported ones', async () => {
    const res = await postOtlp(httpPort, '/v1/logs', 'hello', { contentType: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.text).toMatch(/application\/x-protobuf/);
    expect(res.text).toMatch(/application\/json/);
    await sendGood('media-type');
  });

  it('body over max_request_body_size -> 413', async () => {
    const big = JSON.stringify(logsRequest('x'.repeat(1000), 100));
    expect(big.length).toBeGreaterThan(MAX_BODY);
    const res = await postOtlp(httpPort, '/v1/logs', big);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/max_request_body_size/);
    await sendGood('too-big');
  });

  it('a gzip bomb (small on the wire, huge inflated) -> 413', async () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const res = await postOtlp(httpPort, '/v1/logs', bomb, { contentType: 'application/x-protobuf', headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(413);
    await sendGood('gzip-bomb');
  });

  it('truncated gzip -> 400; unsupported Content-Encoding -> 415', async () => {
    const gz = gzipSync(JSON.stringify(logsRequest('never', 5)));
    const truncated = await postOtlp(httpPort, '/v1/logs', gz.subarray(0, gz.length - 12), { contentType: 'application/json', headers: { 'content-encoding': 'gzip' } });
    expect(truncated.status).toBe(400);
    const br = await postOtlp(httpPort, '/v1/logs', JSON.stringify(logsRequest('never', 5)), { headers: { 'content-encoding': 'br' } });
    expect(br.status).toBe(415);
    expect(br.text).toMatch(/gzip/);
    await sendGood('encoding');
  });

  it('OTLP/JSON with an invalid trace id or a non-numeric 64-bit int -> 400, nothing of it kept', async () => {
    const badId = logsRequest('never-id', 2);
    badId.resourceLogs[0].scopeLogs[0].logRecords[1].traceId = 'not-hex-at-all';
    const id = await postOtlp(httpPort, '/v1/logs', JSON.stringify(badId));
    expect(id.status, id.text).toBe(400);
    expect(jsonStatus(id.text).message).toMatch(/traceId/);
    const shortId = logsRequest('never-short', 1);
    shortId.resourceLogs[0].scopeLogs[0].logRecords[0].spanId = 'abcd';
    expect((await postOtlp(httpPort, '/v1/logs', JSON.stringify(shortId))).status).toBe(400);
    const badInt = logsRequest('never-int', 1);
    badInt.resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.intValue = '12abc';
    expect((await postOtlp(httpPort, '/v1/logs', JSON.stringify(badInt))).status).toBe(400);
    await sendGood('bad-values');
  });

  it('a gRPC message over max_recv_msg_size -> RESOURCE_EXHAUSTED', async () => {
    const big = logsProto('x'.repeat(1000), 1200);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await grpcExport(grpcPort, 'logs', big);
    expect(res.code).toBe(RESOURCE_EXHAUSTED);
    await sendGood('grpc-too-big');
  });

  it('unknown path -> 404; GET on an OTLP path -> 405', async () => {
    const res = await postOtlp(httpPort, '/v1/spans', '{}');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/\/v1\/traces/);
    const get = await fetch(`http://127.0.0.1:${httpPort}/v1/logs`);
    expect(get.status).toBe(405);
    await sendGood('unknown-path');
  });

  it('a malformed gRPC message -> INVALID_ARGUMENT', async () => {
    const res = await grpcExport(grpcPort, 'logs', Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01]));
    expect(res.code).toBe(INVALID_ARGUMENT);
    expect(res.details.length).toBeGreaterThan(10);
    await sendGood('bad-grpc');
  });

  it('everything accepted is in the file, once, and nothing else', async () => {
    const lines = await waitForRecords(file(), 'logs', accepted.length);
    expect(daemon?.proc.exitCode).toBeNull(); // it survived every bad request
    // A clean stop flushes everything: a late duplicate or stray record would be in the file now.
    expect(await daemon?.stop()).toBe(0);
    const bodies = logBodies(await readJsonLines(file())).sort();
    expect(lines.length).toBeGreaterThan(0);
    expect(bodies).toEqual([...accepted].sort());
  });
});

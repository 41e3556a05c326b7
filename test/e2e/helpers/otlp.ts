// Client-side helpers for the end-to-end tests: OTLP/HTTP and raw OTLP/gRPC requests, the file
// exporter's output, the daemon's own metrics, and test data. The normalizer is in
// normalize.ts, the protobuf request writer in proto.ts; both are re-exported here.
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { waitFor } from './daemon.ts';

export type Signal = 'traces' | 'metrics' | 'logs';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TOP_KEY: Record<Signal, string> = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' };
const SCOPE_KEY: Record<Signal, string> = { traces: 'scopeSpans', metrics: 'scopeMetrics', logs: 'scopeLogs' };
const RECORD_KEY: Record<Signal, string> = { traces: 'spans', metrics: 'metrics', logs: 'logRecords' };
export const HTTP_PATH: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };
export const GRPC_METHOD: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface HttpResult {
  status: number;
  headers: Headers;
  body: Uint8Array;
  text: string;
}

/** POSTs an OTLP/HTTP request. `json` bodies are sent as application/json unless a type is given. */
export async function postOtlp(port: number, path: string, body: string | Uint8Array, opts: { contentType?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const contentType = opts.contentType ?? (typeof body === 'string' ? 'application/json' : 'application/x-protobuf');
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...opts.headers },
    body,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body: bytes, text: new TextDecoder().decode(bytes) };
}

/** One unary call with raw bytes both ways: the caller builds the protobuf itself. */
export function grpcExport(port: number, signal: Signal, message: Uint8Array, timeoutMs = 10_000): Promise<{ code: number; details: string; response?: Buffer; metadata?: grpc.Metadata }> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest<Uint8Array, Buffer>(
      GRPC_METHOD[signal],
      (b) => Buffer.from(b),
      (b) => b,
      message,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, response) => {
        client.close();
        if (err) resolve({ code: err.code, details: err.details, metadata: err.metadata });
        else resolve({ code: grpc.status.OK, details: '', response });
      },
    );
  });
}

/** The file exporter's lines, parsed; [] while the file does not exist yet. */
export async function readJsonLines(path: string): Promise<Json[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  // A line still being written has no newline yet: only complete lines count.
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** Records (spans, metric data points... here: metrics, log records) in one export request. */
export function countRecords(signal: Signal, request: Json): number {
  let n = 0;
  for (const r of request[TOP_KEY[signal]] ?? []) for (const s of r[SCOPE_KEY[signal]] ?? []) n += (s[RECORD_KEY[signal]] ?? []).length;
  return n;
}

/** Every record of every line, flattened (spans, metrics or log records). */
export function allRecords(signal: Signal, lines: Json[]): Json[] {
  const out: Json[] = [];
  for (const line of lines) {
    for (const r of line[TOP_KEY[signal]] ?? []) {
      for (const s of r[SCOPE_KEY[signal]] ?? []) for (const rec of s[RECORD_KEY[signal]] ?? []) out.push({ ...rec, resource: r.resource, scope: s.scope });
    }
  }
  return out;
}

/** Waits until the file holds at least `n` records of `signal`; returns its lines. */
export async function waitForRecords(path: string, signal: Signal, n: number, timeoutMs = 10_000): Promise<Json[]> {
  let lines: Json[] = [];
  await waitFor(async () => {
    lines = await readJsonLines(path);
    return lines.reduce((a, l) => a + countRecords(signal, l), 0) >= n;
  }, timeoutMs).catch((err: Error) => {
    const have = lines.reduce((a, l) => a + countRecords(signal, l), 0);
    throw new Error(`${path}: expected ${n} ${signal} records, have ${have} (${err.message})`);
  });
  return lines;
}

/** Waits until the file has at least `n` lines; returns them. */
export async function waitForLines(path: string, n: number, timeoutMs = 10_000): Promise<Json[]> {
  let lines: Json[] = [];
  await waitFor(async () => (lines = await readJsonLines(path)).length >= n, timeoutMs).catch((err: Error) => {
    throw new Error(`${path}: expected ${n} lines, have ${lines.length} (${err.message})`);
  });
  return lines;
}

/** The daemon's own /metrics text. */
export async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** Sum of the samples of `name` whose labels include `labels` (0 when there is none). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have[l[1]] = l[2];
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

// ---- test data ---------------------------------------------------------------------------

/** An OTLP/JSON logs request whose record bodies are `${tag}-${i}` for i in [from, from+n). */
export function logsRequest(tag: string, n: number, from = 0): Json {
  const logRecords = [];
  for (let i = from; i < from + n; i++) {
    logRecords.push({
      timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `${tag}-${i}` },
      attributes: [{ key: 'seq', value: { intValue: String(i) } }],
    });
  }
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-e2e' } }] },
        scopeLogs: [{ scope: { name: 'genrf.e2e' }, logRecords }],
      },
    ],
  };
}

/** An OTLP/JSON traces request with `n` spans named `${tag}-${i}`. */
export function tracesRequest(tag: string, n: number, from = 0): Json {
  const spans = [];
  for (let i = from; i < from + n; i++) {
    spans.push({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: (0x1000_0000_0000_0000n + BigInt(i)).toString(16).padStart(16, '0'),
      name: `${tag}-${i}`,
      kind: 1,
      startTimeUnixNano: '1544712660000000000',
      endTimeUnixNano: '1544712661000000000',
    });
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-e2e' } }] },
        scopeSpans: [{ scope: { name: 'genrf.e2e' }, spans }],
      },
    ],
  };
}

/** The string bodies of every log record in the lines. */
export function logBodies(lines: Json[]): string[] {
  return allRecords('logs', lines).map((r) => r.body?.stringValue as string);
}

export { normalize } from './normalize.ts';
export { logsProto } from './proto.ts';

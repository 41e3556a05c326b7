// Test helpers for the otlp receiver: hand-built OTLP protobuf fixtures (independent of the
// codec under test), a recording consumer, a raw HTTP client, and a tiny protobuf reader for
// responses (google.rpc.Status, partial_success).
import * as http from 'node:http';
import type { Batch } from '../../../../src/pdata/batch.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import { testSettings as sharedSettings, type TestSettings } from '../../../helpers/settings.ts';

// ---- protobuf writing ----

function varint(out: number[], v: number): void {
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
function field(out: number[], n: number, bytes: Uint8Array | number[]): void {
  varint(out, (n << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}
function vfield(out: number[], n: number, v: number): void {
  varint(out, n << 3);
  varint(out, v);
}
const str = (s: string) => [...Buffer.from(s, 'utf8')];
const hex = (h: string) => [...Buffer.from(h, 'hex')];

function resource(service: string): number[] {
  const anyValue: number[] = [];
  field(anyValue, 1, str(service));
  const kv: number[] = [];
  field(kv, 1, str('service.name'));
  field(kv, 2, anyValue);
  const res: number[] = [];
  field(res, 1, kv);
  return res;
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** ExportTraceServiceRequest with one resource, one scope and `n` spans named span-0.. */
export function traceRequest(n: number, service = 'checkout'): Buffer {
  const scopeSpans: number[] = [];
  const scope: number[] = [];
  field(scope, 1, str('genrf.test'));
  field(scopeSpans, 1, scope);
  for (let i = 0; i < n; i++) {
    const span: number[] = [];
    field(span, 1, hex(TRACE_ID));
    field(span, 2, hex((0x1000 + i).toString(16).padStart(16, '0')));
    field(span, 5, str(`span-${i}`));
    vfield(span, 6, 2);
    field(scopeSpans, 2, span);
  }
  const rs: number[] = [];
  field(rs, 1, resource(service));
  field(rs, 2, scopeSpans);
  const req: number[] = [];
  field(req, 1, rs);
  return Buffer.from(req);
}

/** ExportLogsServiceRequest with `n` log records whose body is `log-<i>`. */
export function logsRequest(n: number): Buffer {
  const scopeLogs: number[] = [];
  const scope: number[] = [];
  field(scope, 1, str('genrf.test'));
  field(scopeLogs, 1, scope);
  for (let i = 0; i < n; i++) {
    const body: number[] = [];
    field(body, 1, str(`log-${i}`));
    const rec: number[] = [];
    vfield(rec, 2, 9);
    field(rec, 5, body);
    field(scopeLogs, 2, rec);
  }
  const rl: number[] = [];
  field(rl, 1, resource('worker'));
  field(rl, 2, scopeLogs);
  const req: number[] = [];
  field(req, 1, rl);
  return Buffer.from(req);
}

/** The same traces as traceRequest, in OTLP/JSON. */
export function traceRequestJson(n: number, service = 'checkout'): string {
  const spans = [];
  for (let i = 0; i < n; i++) {
    spans.push({ traceId: TRACE_ID, spanId: (0x1000 + i).toString(16).padStart(16, '0'), name: `span-${i}`, kind: 2 });
  }
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'genrf.test' }, spans }],
      },
    ],
  });
}

// ---- protobuf reading (responses only) ----

/** Top-level fields of a message: field number -> list of values (numbers or byte slices). */
export function readFields(buf: Uint8Array): Map<number, Array<number | Uint8Array>> {
  const out = new Map<number, Array<number | Uint8Array>>();
  let i = 0;
  const readVarint = () => {
    let v = 0,
      mul = 1,
      b;
    do {
      b = buf[i++];
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return v;
  };
  while (i < buf.length) {
    const tag = readVarint();
    const n = Math.floor(tag / 8),
      wt = tag & 7;
    let val: number | Uint8Array;
    if (wt === 0) val = readVarint();
    else if (wt === 2) {
      const len = readVarint();
      val = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${wt}`);
    if (!out.has(n)) out.set(n, []);
    out.get(n)!.push(val);
  }
  return out;
}

/** google.rpc.Status from protobuf. */
export function readStatus(buf: Uint8Array): { code: number; message: string } {
  const f = readFields(buf);
  return { code: (f.get(1)?.[0] as number) ?? 0, message: Buffer.from((f.get(2)?.[0] as Uint8Array) ?? []).toString('utf8') };
}

/** partial_success of an Export*ServiceResponse from protobuf (undefined when absent). */
export function readPartial(buf: Uint8Array): { rejected: number; errorMessage: string } | undefined {
  const ps = readFields(buf).get(1)?.[0] as Uint8Array | undefined;
  if (ps === undefined) return undefined;
  const f = readFields(ps);
  return { rejected: (f.get(1)?.[0] as number) ?? 0, errorMessage: Buffer.from((f.get(2)?.[0] as Uint8Array) ?? []).toString('utf8') };
}

// ---- pipeline side ----

/** A consumer that records batches, or refuses them with whatever `refuse` returns. */
export class RecordingConsumer implements Consumer {
  readonly mutates = false;
  readonly batches: Batch[] = [];
  refuse: ((b: Batch) => Error | undefined) | undefined;

  async consume(batch: Batch): Promise<void> {
    const err = this.refuse?.(batch);
    if (err) throw err;
    this.batches.push(batch);
  }

  get items(): number {
    return this.batches.reduce((n, b) => n + b.items, 0);
  }
}

export function testSettings(id = 'otlp'): TestSettings {
  return sharedSettings(id);
}

// ---- HTTP client ----

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request on a fresh connection. `body` may be a function that streams chunks; write
 * errors after the server answered early (EPIPE, reset) are ignored: the answer is what counts.
 */
export function request(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string | number>; body?: Uint8Array | string | ((req: http.ClientRequest) => void) } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'POST', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (typeof opts.body === 'function') opts.body(req);
    else req.end(opts.body);
  });
}

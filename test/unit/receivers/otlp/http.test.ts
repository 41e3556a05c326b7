import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import type { TracesData } from '../../../../src/pdata/types.ts';
import { RecordingConsumer, logsRequest, readPartial, readStatus, request, testSettings, traceRequest, traceRequestJson } from './helpers.ts';
import { signal, turn } from '../../../helpers/wait.ts';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json; charset=utf-8' };
const LIMIT = 1024 * 1024;

let traces: RecordingConsumer;
let logs: RecordingConsumer;
let receiver: OtlpReceiver;
let port: number;
let settings: ReturnType<typeof testSettings>;

beforeEach(async () => {
  traces = new RecordingConsumer();
  logs = new RecordingConsumer();
  settings = testSettings();
  const config = otlpReceiverConfig.parse({ protocols: { http: { endpoint: '127.0.0.1:0', max_request_body_size: LIMIT } } });
  receiver = otlpReceiverFactory.create(settings, config, { traces, logs }) as OtlpReceiver;
  await receiver.start({ components: () => [] });
  port = receiver.addresses.http!.port;
});

afterEach(async () => {
  await receiver.shutdown();
});

/** After a refused request, the receiver still takes a good one. */
async function stillServes(): Promise<void> {
  const before = traces.items;
  const res = await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(1) });
  expect(res.status).toBe(200);
  expect(traces.items).toBe(before + 1);
}

describe('otlp receiver over HTTP: accepted data', () => {
  it('takes protobuf traces and answers with an empty protobuf response', async () => {
    const res = await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(3) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(readPartial(res.body)).toBeUndefined();
    expect(traces.batches).toHaveLength(1);
    const data = traces.batches[0].data as TracesData;
    expect(data.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['span-0', 'span-1', 'span-2']);
    expect(await settings.metrics.render()).toMatch(/otelcol_receiver_accepted_spans_total\{receiver="otlp",transport="http"\} 3/);
  });

  it('keeps protobuf bytes undecoded so pass-through pipelines never decode', async () => {
    await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(2) });
    const batch = traces.batches[0];
    expect(batch.decoded).toBe(false);
    expect(batch.items).toBe(2);
    expect(Buffer.from(batch.toProto())).toEqual(traceRequest(2));
  });

  it('takes JSON traces and answers in JSON', async () => {
    const res = await request(port, '/v1/traces', { headers: JSON_CT, body: traceRequestJson(2) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body.toString())).toEqual({});
    const data = traces.batches[0].data as TracesData;
    expect(data.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['span-0', 'span-1']);
  });

  it('routes each signal to its own consumer', async () => {
    const res = await request(port, '/v1/logs', { headers: PROTO, body: logsRequest(4) });
    expect(res.status).toBe(200);
    expect(logs.items).toBe(4);
    expect(traces.items).toBe(0);
  });

  it.each(['gzip', 'deflate', 'zstd'])('takes a %s-compressed body', async (enc) => {
    const raw = traceRequest(5);
    const body = enc === 'gzip' ? zlib.gzipSync(raw) : enc === 'deflate' ? zlib.deflateSync(raw) : zlib.zstdCompressSync(raw);
    const res = await request(port, '/v1/traces', { headers: { ...PROTO, 'content-encoding': enc }, body });
    expect(res.status).toBe(200);
    expect(traces.items).toBe(5);
  });
});

describe('otlp receiver over HTTP: refused requests', () => {
  it('answers 400 with the decode error for malformed protobuf', async () => {
    const res = await request(port, '/v1/traces', { headers: PROTO, body: Buffer.from([0x0a, 0x05, 0x01]) });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    const status = readStatus(res.body);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/malformed protobuf traces request: .+/);
    expect(traces.batches).toHaveLength(0);
    await stillServes();
  });

  it('answers 400 with a JSON Status for malformed JSON', async () => {
    const res = await request(port, '/v1/traces', { headers: JSON_CT, body: '{"resourceSpans": [' });
    expect(res.status).toBe(400);
    const status = JSON.parse(res.body.toString());
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/malformed JSON traces request: .+/);
    await stillServes();
  });

  it('answers 400 for a body that is not valid gzip', async () => {
    const res = await request(port, '/v1/traces', { headers: { ...PROTO, 'content-encoding': 'gzip' }, body: 'not gzip at all' });
    expect(res.status).toBe(400);
    expect(readStatus(res.body).message).toMatch(/not valid gzip/);
    await stillServes();
  });

  it('answers 415 for an unsupported media type, naming the supported ones', async () => {
    const res = await request(port, '/v1/traces', { headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
    expect(res.body.toString()).toMatch(/unsupported Content-Type "text\/plain": use application\/x-protobuf or application\/json/);
    await stillServes();
  });

  it('answers 415 for an unknown Content-Encoding', async () => {
    const res = await request(port, '/v1/traces', { headers: { ...PROTO, 'content-encoding': 'br' }, body: traceRequest(1) });
    expect(res.status).toBe(415);
    expect(readStatus(res.body).message).toMatch(/unsupported Content-Encoding "br": use one of identity, gzip/);
    await stillServes();
  });

  it('answers 404 for an unknown path', async () => {
    const res = await request(port, '/v1/spans', { headers: PROTO, body: traceRequest(1) });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toMatch(/unknown path \/v1\/spans: OTLP\/HTTP takes POST on \/v1\/traces, \/v1\/metrics, \/v1\/logs/);
    await stillServes();
  });

  it('answers 404 for a signal no pipeline takes', async () => {
    const res = await request(port, '/v1/metrics', { headers: JSON_CT, body: '{}' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString()).message).toMatch(/no pipeline takes metrics/);
  });

  it('answers 405 with Allow: POST for GET', async () => {
    const res = await request(port, '/v1/traces', { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    await stillServes();
  });

  it('answers 413 before reading when Content-Length is over the limit', async () => {
    const res = await request(port, '/v1/traces', {
      headers: { ...PROTO, 'content-length': LIMIT + 1 },
      body: (req) => {
        req.write(Buffer.alloc(1024)); /* the rest never comes */
      },
    });
    expect(res.status).toBe(413);
    expect(readStatus(res.body).message).toMatch(/exceeds max_request_body_size \(1048576 bytes\)/);
    await stillServes();
  });

  it('answers 413 and stops reading when a streamed body passes the limit', async () => {
    // The client keeps streaming until it hears back. The server answers 413 and closes the
    // connection without reading on, so the client's next write can race that close: it gets
    // the answer, or EPIPE/ECONNRESET first (then the answer is lost with the connection).
    // Both are a refusal; what matters is that the server refused at the limit and stopped
    // reading, so the client could not push 20x the limit through.
    let written = 0;
    const outcome = await new Promise<{ status: number; body: Buffer } | { error: NodeJS.ErrnoException }>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { ...PROTO, 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
        res.on('error', (error) => resolve({ error }));
      });
      req.on('error', (error) => resolve({ error }));
      const chunk = Buffer.alloc(64 * 1024);
      let answered = false;
      req.on('response', () => {
        answered = true;
      });
      const pump = () => {
        while (written < 20 * LIMIT && !answered && !req.destroyed) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    if ('error' in outcome) expect(['EPIPE', 'ECONNRESET']).toContain(outcome.error.code);
    else {
      expect(outcome.status).toBe(413);
      expect(readStatus(outcome.body).message).toMatch(/request body exceeds max_request_body_size/);
    }
    // The server refused with 413 whichever way the client heard of it.
    expect(settings.logs).toContainEqual(expect.objectContaining({ status: 413, message: expect.stringMatching(/request body exceeds max_request_body_size/) }));
    expect(written).toBeLessThan(20 * LIMIT);
    expect(traces.batches).toHaveLength(0);
    await stillServes();
  });

  it('refuses a gzip bomb without inflating it', async () => {
    // 200 MiB of zeros, compressed by streaming so the test itself never holds it.
    const gz = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (c: Buffer) => parts.push(c));
    const done = new Promise((r) => gz.on('end', r));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 200; i++) gz.write(zeros);
    gz.end();
    await done;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(LIMIT); // small on the wire: only decompression can catch it

    const rssBefore = process.memoryUsage.rss();
    const res = await request(port, '/v1/traces', { headers: { ...PROTO, 'content-encoding': 'gzip' }, body: bomb });
    const grown = process.memoryUsage.rss() - rssBefore;
    expect(grown).toBeLessThan(100 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(readStatus(res.body).message).toMatch(/decompressed request body exceeds max_request_body_size/);
    expect(traces.batches).toHaveLength(0);
    await stillServes();
  });
});

describe('otlp receiver over HTTP: downstream refusals', () => {
  it('answers 429 with Retry-After when an exporter queue is full', async () => {
    traces.refuse = () => ConsumerError.retryable('queue_full', 'exporter otlp/jaeger: sending queue is full', 2500);
    const res = await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(2) });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(readStatus(res.body).message).toMatch(/sending queue is full \(queue_full\); retry later/);
    expect(await settings.metrics.render()).toMatch(/otelcol_receiver_refused_spans_total\{receiver="otlp",transport="http"\} 2/);
    traces.refuse = undefined;
    await stillServes();
  });

  it('answers 429 with at least 1 second of Retry-After when memory is short', async () => {
    traces.refuse = () => ConsumerError.retryable('memory_limit', 'memory usage above the soft limit');
    const res = await request(port, '/v1/traces', { headers: JSON_CT, body: traceRequestJson(1) });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.parse(res.body.toString()).message).toMatch(/memory usage above the soft limit/);
  });

  it('answers 503 with Retry-After for other retryable refusals', async () => {
    traces.refuse = () => ConsumerError.retryable('retries_exhausted', 'elasticsearch is down');
    const res = await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(1) });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(readStatus(res.body).code).toBe(14);
  });

  it('answers 200 with partial_success when records are refused for good', async () => {
    traces.refuse = () => ConsumerError.permanent('permanent_error', '2 spans have no trace id', 2);
    const res = await request(port, '/v1/traces', { headers: PROTO, body: traceRequest(5) });
    expect(res.status).toBe(200);
    expect(readPartial(res.body)).toEqual({ rejected: 2, errorMessage: '2 spans have no trace id' });
    const metrics = await settings.metrics.render();
    expect(metrics).toMatch(/otelcol_receiver_refused_spans_total\{receiver="otlp",transport="http"\} 2/);
    expect(metrics).toMatch(/otelcol_receiver_accepted_spans_total\{receiver="otlp",transport="http"\} 3/);
  });

  it('reports every record rejected when the refusal does not say how many (JSON)', async () => {
    traces.refuse = () => new Error('boom');
    const res = await request(port, '/v1/traces', { headers: JSON_CT, body: traceRequestJson(3) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).partialSuccess).toEqual({ rejectedSpans: '3', errorMessage: 'boom' });
  });
});

describe('otlp receiver over HTTP: lifecycle', () => {
  it('fails to start with a clear message when the port is taken', async () => {
    const config = otlpReceiverConfig.parse({ protocols: { http: { endpoint: `127.0.0.1:${port}` } } });
    const second = otlpReceiverFactory.create(testSettings(), config, { traces });
    await expect(second.start({ components: () => [] })).rejects.toThrow(`otlp: cannot listen on 127.0.0.1:${port}: address already in use`);
  });

  it('lets a request in flight finish on shutdown', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const arrived = signal();
    const slow = {
      mutates: false,
      consume: async () => {
        arrived.resolve();
        await gate;
      },
    };
    const config = otlpReceiverConfig.parse({ protocols: { http: { endpoint: '127.0.0.1:0' } } });
    const r = otlpReceiverFactory.create(testSettings(), config, { traces: slow }) as OtlpReceiver;
    await r.start({ components: () => [] });
    const pending = request(r.addresses.http!.port, '/v1/traces', { headers: PROTO, body: traceRequest(1) });
    await arrived.promise;
    const stopped = r.shutdown();
    await turn();
    release();
    expect((await pending).status).toBe(200);
    await stopped;
    expect(r.health().healthy).toBe(false);
  });
});

describe('otlp receiver over HTTP: bounds', () => {
  it('answers 503 at once when max_concurrent_requests are in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const arrived = signal();
    const slow = {
      mutates: false,
      consume: () => {
        arrived.resolve();
        return gate;
      },
    };
    const config = otlpReceiverConfig.parse({ protocols: { http: { endpoint: '127.0.0.1:0', max_concurrent_requests: 1 } } });
    const r = otlpReceiverFactory.create(testSettings(), config, { traces: slow }) as OtlpReceiver;
    await r.start({ components: () => [] });
    const p = r.addresses.http!.port;
    const first = request(p, '/v1/traces', { headers: PROTO, body: traceRequest(1) });
    await arrived.promise;
    const second = await request(p, '/v1/traces', { headers: PROTO, body: traceRequest(1) });
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(readStatus(second.body).message).toMatch(/too many requests in flight \(max_concurrent_requests 1\)/);
    release();
    expect((await first).status).toBe(200);
    await r.shutdown();
  });

  it('finishes a keep-alive request in flight and closes its connection on shutdown', async () => {
    const agent = new http.Agent({ keepAlive: true });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const config = otlpReceiverConfig.parse({ protocols: { http: { endpoint: '127.0.0.1:0' } } });
    const arrived = signal();
    const consume = () => {
      arrived.resolve();
      return gate;
    };
    const r = otlpReceiverFactory.create(testSettings(), config, { traces: { mutates: false, consume } }) as OtlpReceiver;
    await r.start({ components: () => [] });
    const status = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: r.addresses.http!.port, path: '/v1/traces', method: 'POST', headers: PROTO, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(traceRequest(1));
    });
    await arrived.promise;
    const started = Date.now();
    const stopped = r.shutdown();
    await turn();
    release();
    expect(await status).toBe(200);
    await stopped;
    expect(Date.now() - started).toBeLessThan(1000); // not the 2s shutdown timeout nor the 60s idle timeout
    agent.destroy();
  });

  it('shuts down at once with idle keep-alive connections open', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: PROTO, agent }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode!));
      });
      req.on('error', reject);
      req.end(traceRequest(1));
    });
    expect(res).toBe(200);
    const started = Date.now();
    await receiver.shutdown();
    expect(Date.now() - started).toBeLessThan(500);
    agent.destroy();
  });
});

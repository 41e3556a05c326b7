import * as http2 from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuthExtensionFactory } from '../../../../src/extensions/bearertokenauth/factory.ts';
import { type AuthResult, authGuard, type ServerAuthenticator } from '../../../../src/net/auth.ts';
import { CONNECTION_WINDOW_BYTES, STREAM_WINDOW_BYTES } from '../../../../src/net/grpc-security.ts';
import type { Batch } from '../../../../src/pdata/batch.ts';
import type { Extension, Host, ReceiverConsumers } from '../../../../src/pipeline/component.ts';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { OtlpGrpcServer } from '../../../../src/receivers/otlp/grpc-server.ts';
import { until } from '../../../helpers/wait.ts';
import { metricValue } from '../../exporters/fixtures.ts';
import { RecordingConsumer, readPartial, testSettings, traceRequest } from './helpers.ts';

// The OTLP/gRPC server at the HTTP/2 level, with a raw node:http2 client that does what a
// gRPC library would not: split a message into tiny DATA frames, declare a huge length, reset
// mid-message, send a non-gRPC content type, keep writing after it was refused.

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const MIB = 1024 * 1024;
const { NGHTTP2_CANCEL } = http2.constants;

/** A consumer that holds each batch until `release()`; `entered` resolves when one arrives. */
class GatedConsumer extends RecordingConsumer {
  #open!: () => void;
  #gate = new Promise<void>((r) => {
    this.#open = r;
  });
  #entered!: () => void;
  readonly entered = new Promise<void>((r) => {
    this.#entered = r;
  });
  override async consume(batch: Batch): Promise<void> {
    this.#entered();
    await this.#gate;
    return super.consume(batch);
  }
  release(): void {
    this.#open();
  }
}

interface Started {
  server: OtlpGrpcServer;
  port: number;
  settings: ReturnType<typeof testSettings>;
}
const servers: OtlpGrpcServer[] = [];
const sessions: http2.ClientHttp2Session[] = [];

async function startServer(consumers: ReceiverConsumers, grpc: Record<string, unknown> = {}, host?: Host): Promise<Started> {
  const settings = testSettings('otlp');
  const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 1, ...grpc } } }).protocols.grpc!;
  const server = new OtlpGrpcServer({ id: 'otlp', config, consumers, metrics: settings.metrics.receiver('otlp', 'grpc'), logger: settings.logger });
  await server.start(authGuard(host, config.auth, 'receiver/otlp (grpc)', settings.metrics, settings.logger));
  servers.push(server);
  return { server, port: server.address!.port, settings };
}

afterAll(async () => {
  for (const s of sessions) s.destroy();
  await Promise.all(servers.map((s) => s.shutdown(1000)));
});

interface RawResult {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
  /** grpc-status from the trailers, or from a trailers-only answer; NaN when neither. */
  code: number;
  message: string;
  /** Bytes the client's writer handed to the stream. */
  written: number;
}

function session(port: number): http2.ClientHttp2Session {
  const s = http2.connect(`http://127.0.0.1:${port}`);
  s.on('error', () => {});
  sessions.push(s);
  return s;
}

/**
 * One call on `s`. `write` sends the request body (it may keep writing until the stream
 * closes) and returns how many bytes it wrote; it ends the stream unless `keepOpen`.
 */
function rawCall(
  s: http2.ClientHttp2Session,
  write: (req: http2.ClientHttp2Stream) => Promise<number> | number,
  headers: http2.OutgoingHttpHeaders = {},
): { req: http2.ClientHttp2Stream; result: Promise<RawResult> } {
  const req = s.request({ ':method': 'POST', ':path': TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers', ...headers });
  req.on('error', () => {});
  const result = new Promise<RawResult>((resolve) => {
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => {
      head = h;
    });
    req.on('trailers', (t) => {
      trailers = t;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    const writing = Promise.resolve(write(req));
    req.on('close', () => {
      void writing.then((written) => {
        const status = trailers['grpc-status'] ?? head['grpc-status'];
        const message = String(trailers['grpc-message'] ?? head['grpc-message'] ?? '');
        resolve({ headers: head, trailers, body: Buffer.concat(chunks), code: status === undefined ? Number.NaN : Number(status), message, written });
      });
    });
  });
  return { req, result };
}

const framed = (message: Buffer, compressed = false) => {
  const p = Buffer.alloc(5);
  p[0] = compressed ? 1 : 0;
  p.writeUInt32BE(message.length, 1);
  return Buffer.concat([p, message]);
};

const whole = (bytes: Buffer) => (req: http2.ClientHttp2Stream) => {
  req.end(bytes);
  return bytes.length;
};

/** Writes `chunk` again and again (honouring back-pressure) until the stream closes or `max` bytes. */
async function flood(req: http2.ClientHttp2Stream, first: Buffer, chunk: Buffer, max: number, onBlocked?: (written: number) => void): Promise<number> {
  let written = first.length;
  req.write(first);
  while (!req.closed && !req.destroyed && written < max) {
    const piece = chunk.subarray(0, Math.min(chunk.length, max - written));
    written += piece.length;
    if (!req.write(piece)) {
      onBlocked?.(written);
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    }
  }
  return written;
}

const accepted = (settings: Started['settings']) => metricValue(settings, 'otelcol_receiver_accepted_spans_total').then((v) => (Number.isNaN(v) ? 0 : v));

describe('OTLP/gRPC on node:http2', () => {
  let traces: RecordingConsumer;
  let main: Started;
  beforeAll(async () => {
    traces = new RecordingConsumer();
    main = await startServer({ traces }, { max_concurrent_streams: 7 });
  });

  it('answers OK as HEADERS, one DATA frame (the empty response) and TRAILERS; advertises its settings and encodings', async () => {
    const s = session(main.port);
    const { result } = rawCall(s, whole(framed(traceRequest(2))));
    const r = await result;
    expect(r.code).toBe(0);
    expect(r.headers[':status']).toBe(200);
    expect(r.headers['content-type']).toBe('application/grpc');
    expect(String(r.headers['grpc-accept-encoding'])).toMatch(/^identity,gzip,deflate/);
    expect(r.headers['grpc-status']).toBeUndefined(); // in the trailers, not a trailers-only answer
    expect(r.body).toEqual(Buffer.alloc(5));
    expect(s.remoteSettings.maxConcurrentStreams).toBe(7);
  });

  it('advertises wide flow-control windows (per stream and per connection), so a large request needs no WINDOW_UPDATE round trips', async () => {
    const s = session(main.port);
    await new Promise<void>((resolve) => (s.remoteSettings.initialWindowSize !== undefined && s.state.remoteWindowSize! > 65_535 ? resolve() : s.once('remoteSettings', () => resolve())));
    expect(s.remoteSettings.initialWindowSize).toBe(STREAM_WINDOW_BYTES);
    // The connection's window: the server's WINDOW_UPDATE arrives with its SETTINGS.
    await until(() => (s.state.remoteWindowSize ?? 0) >= CONNECTION_WINDOW_BYTES, 5000, 'the connection window');
    const r = await rawCall(s, whole(framed(traceRequest(2)))).result;
    expect(r.code).toBe(0);
  });

  it('takes a message split across many small DATA frames', async () => {
    const before = traces.items;
    const bytes = framed(traceRequest(40));
    const { result } = rawCall(session(main.port), async (req) => {
      // 3 bytes at a time, each write handed to HTTP/2 before the next: hundreds of DATA frames.
      for (let i = 0; i < bytes.length; i += 3) {
        await new Promise<void>((resolve, reject) => req.write(bytes.subarray(i, i + 3), (err) => (err ? reject(err) : resolve())));
      }
      req.end();
      return bytes.length;
    });
    const r = await result;
    expect(r.code).toBe(0);
    expect(traces.items).toBe(before + 40);
    expect(readPartial(r.body.subarray(5))).toBeUndefined();
  });

  it('refuses a declared length above max_recv_msg_size_mib from its prefix: RESOURCE_EXHAUSTED, the body is not taken', async () => {
    const rss = process.memoryUsage.rss();
    const prefix = Buffer.from([0, 0x40, 0, 0, 0]); // 1 GiB declared
    const { result } = rawCall(session(main.port), (req) => flood(req, prefix, Buffer.alloc(256 * 1024), 512 * MIB));
    const r = await result;
    expect(r.code).toBe(8);
    expect(r.message).toMatch(/larger than max \(1073741824 vs\. 1048576\)/);
    // The stream was reset after the answer: the client got to write a few windows' worth, not 512 MiB.
    expect(r.written).toBeLessThan(8 * MIB);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(64 * MIB);
    expect(main.server.callsInFlight).toBe(0);
  });

  it('refuses a deflate bomb (64 MiB of zeros in 64 KiB) without inflating it', async () => {
    const bomb = deflateSync(Buffer.concat([Buffer.from([0x7a, 0x80, 0x80, 0x80, 0x20]), Buffer.alloc(64 * MIB)]));
    const before = traces.items;
    const { result } = rawCall(session(main.port), whole(framed(bomb, true)), { 'grpc-encoding': 'deflate' });
    const r = await result;
    expect(r.code).toBe(8);
    expect(r.message).toMatch(/after deflate decompression/);
    expect(traces.items).toBe(before);
  });

  it('a compressed message without grpc-encoding is INTERNAL; an unknown encoding UNIMPLEMENTED', async () => {
    const s = session(main.port);
    expect((await rawCall(s, whole(framed(deflateSync(traceRequest(1)), true))).result).code).toBe(13);
    expect((await rawCall(s, whole(framed(traceRequest(1), true)), { 'grpc-encoding': 'snappy' }).result).code).toBe(12);
  });

  it('a client reset mid-message leaves no call behind and counts nothing', async () => {
    const before = traces.items;
    const acceptedBefore = await accepted(main.settings);
    const bytes = framed(traceRequest(100));
    const { req, result } = rawCall(session(main.port), (r) => {
      r.write(bytes.subarray(0, bytes.length >> 1));
      return bytes.length >> 1;
    });
    await until(() => main.server.callsInFlight === 1, 10_000, 'the call to be read');
    req.close(NGHTTP2_CANCEL);
    await result;
    await until(() => main.server.callsInFlight === 0, 10_000, 'the call to be freed');
    expect(traces.items).toBe(before);
    expect(await accepted(main.settings)).toBe(acceptedBefore);
  });

  it('answers HTTP 415 to a non-gRPC content type, 405 to GET, UNIMPLEMENTED to an unknown method', async () => {
    const s = session(main.port);
    const json = await rawCall(s, whole(Buffer.from('{}')), { 'content-type': 'application/json' }).result;
    expect(json.headers[':status']).toBe(415);
    const get = s.request({ ':method': 'GET', ':path': TRACE_EXPORT });
    const [getHeaders] = (await new Promise((resolve) => get.on('response', (h) => resolve([h])))) as [http2.IncomingHttpHeaders];
    get.close();
    expect(getHeaders[':status']).toBe(405);
    const unknown = await rawCall(s, whole(framed(traceRequest(1))), { ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Nope' }).result;
    expect(unknown.code).toBe(12);
    expect(unknown.message).toMatch(/does not implement the method .*\/Nope/);
  });

  it('survives a connection that is not HTTP/2, and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const sock = tcpConnect(main.port, '127.0.0.1', () => sock.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      sock.on('error', () => resolve());
      sock.on('close', () => resolve());
      sock.resume();
    });
    expect((await rawCall(session(main.port), whole(framed(traceRequest(1)))).result).code).toBe(0);
  });
});

describe('OTLP/gRPC: authentication before the message is read', () => {
  let auth: Extension;
  let started: Started;
  const traces = new RecordingConsumer();
  beforeAll(async () => {
    auth = bearerTokenAuthExtensionFactory.create(
      testSettings('bearertokenauth/w'),
      bearerTokenAuthExtensionFactory.config.parse({ tokens: [{ token: 'worker-token-0123456789', subject: 'worker' }] }),
    );
    await auth.start({ components: () => [] });
    const host: Host = { components: () => [], extensions: () => new Map([['bearertokenauth/w', auth]]) };
    started = await startServer({ traces }, { auth: { authenticator: 'bearertokenauth/w' } }, host);
  });
  afterAll(() => auth.shutdown());

  it('refuses a call without credentials while its huge body is never consumed', async () => {
    const prefix = Buffer.from([0, 0x00, 0x0f, 0, 0]); // 983,040 bytes declared: within the limit
    const { result } = rawCall(session(started.port), (req) => flood(req, prefix, Buffer.alloc(64 * 1024), 256 * MIB));
    const r = await result;
    expect(r.code).toBe(16);
    expect(r.message).toBe('no credentials: send the Authorization header');
    // Flow control: the client could only fill the stream's window; nothing was read.
    expect(r.written).toBeLessThan(2 * MIB);
    expect(traces.items).toBe(0);
    expect(started.server.callsInFlight).toBe(0);
  });

  const MESSAGE_BYTES = 5 + 0x30_0000;
  it('an authenticator that takes its time: the stream is not read meanwhile (flow control stalls the client)', async () => {
    let decide!: (r: AuthResult) => void;
    const slow: ServerAuthenticator = { challenge: '', authenticate: () => new Promise<AuthResult>((resolve) => (decide = resolve)) };
    const host: Host = { components: () => [], extensions: () => new Map([['slow', slow as unknown as Extension]]) };
    const { port } = await startServer({ traces: new RecordingConsumer() }, { auth: { authenticator: 'slow' } }, host);
    const s = session(port);
    let blocked = false;
    let written = 0;
    const { result } = rawCall(s, (r) =>
      // A 3 MiB message (under the 4 MiB limit), three times the stream's window.
      flood(r, Buffer.from([0, 0x00, 0x30, 0, 0]), Buffer.alloc(64 * 1024), MESSAGE_BYTES, (n) => {
        blocked = true;
        written = n;
      }),
    );
    await until(() => blocked && decide !== undefined, 10_000, 'the client to fill its window');
    // PING round trips: had the server read the stream, its WINDOW_UPDATEs would be here by now
    // and the client would have written on.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => s.ping(resolve));
    expect(written).toBeLessThan(STREAM_WINDOW_BYTES + 160 * 1024);
    decide({ ok: false, reason: 'invalid', message: 'the token is not valid' });
    const r = await result;
    expect(r.code).toBe(16);
    expect(r.written).toBeLessThan(MESSAGE_BYTES);
  });

  it('takes the call with a good token', async () => {
    const r = await rawCall(session(started.port), whole(framed(traceRequest(3))), { authorization: 'Bearer worker-token-0123456789' }).result;
    expect(r.code).toBe(0);
    expect(traces.items).toBe(3);
  });
});

describe('OTLP/gRPC: calls in flight', () => {
  it('shutdown lets a call in flight finish and refuses new connections', async () => {
    const traces = new GatedConsumer();
    const { server, port } = await startServer({ traces });
    const s = session(port);
    const { result } = rawCall(s, whole(framed(traceRequest(2))));
    await traces.entered;
    const goaway = new Promise((resolve) => s.once('goaway', resolve));
    const stopped = server.shutdown(10_000);
    await goaway;
    const connecting = new Promise((resolve, reject) => {
      const c = tcpConnect(port, '127.0.0.1', () => resolve(c.destroy()));
      c.on('error', reject);
    });
    await expect(connecting).rejects.toThrow(/ECONNREFUSED/);
    traces.release();
    const r = await result;
    expect(r.code).toBe(0);
    await stopped;
    expect(traces.items).toBe(2);
    expect(server.sessions).toBe(0);
  });

  it('shutdown destroys what is left after its timeout', async () => {
    const traces = new GatedConsumer();
    const { server, port } = await startServer({ traces });
    const { result } = rawCall(session(port), whole(framed(traceRequest(2))));
    await traces.entered;
    await server.shutdown(100);
    const r = await result;
    expect(r.code).not.toBe(0);
    expect(server.sessions).toBe(0);
    traces.release();
  });

  it('answers DEADLINE_EXCEEDED when the pipeline outlasts grpc-timeout, and counts the call as answered', async () => {
    const traces = new GatedConsumer();
    const { server, port } = await startServer({ traces });
    const { result } = rawCall(session(port), whole(framed(traceRequest(1))), { 'grpc-timeout': '50m' });
    await traces.entered;
    const r = await result;
    expect(r.code).toBe(4);
    expect(server.callsInFlight).toBe(0);
    traces.release();
  });

  it('an unexpected exception in one call answers INTERNAL to that call only', async () => {
    const traces = new RecordingConsumer();
    let reads = 0;
    // The consumer lookup throws once, inside the call's export.
    const consumers = {
      get traces() {
        if (++reads === 2) throw new Error('boom');
        return traces;
      },
    } as ReceiverConsumers;
    const { port } = await startServer(consumers);
    const s = session(port);
    const bad = await rawCall(s, whole(framed(traceRequest(1)))).result;
    expect(bad.code).toBe(13);
    expect(bad.message).toBe('internal error: boom');
    const good = await rawCall(s, whole(framed(traceRequest(1)))).result;
    expect(good.code).toBe(0);
    expect(traces.items).toBe(1);
  });

  it('answers partial_success in the response message', async () => {
    const traces = new RecordingConsumer();
    const { ConsumerError } = await import('../../../../src/pipeline/consumer.ts');
    traces.refuse = () => ConsumerError.permanent('permanent_error', 'one span is broken', 1);
    const { port } = await startServer({ traces });
    const r = await rawCall(session(port), whole(framed(traceRequest(3)))).result;
    expect(r.code).toBe(0);
    expect(readPartial(r.body.subarray(5))).toEqual({ rejected: 1, errorMessage: 'one span is broken' });
  });
});

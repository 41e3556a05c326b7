import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, createServer as createH2Server, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { createServer as createTcpServer, connect as tcpConnect, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ServerCredentials } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportError } from '../../../src/net/export-error.ts';
import { type GrpcTransportOptions, OtlpGrpcTransport } from '../../../src/net/grpc-transport.ts';
import { decodeProto, encodeProto, encodeProtoResponse } from '../../../src/pdata/proto/index.ts';
import { encodeRpcStatus, GrpcCode } from '../../../src/pdata/rpc-status.ts';
import { FakeOtlpGrpcServer, status } from '../exporters/grpc-server.ts';
import { logsData } from '../exporters/fixtures.ts';
import { freePort } from '../../helpers/net.ts';
import { signal, until } from '../../helpers/wait.ts';

// The OTLP/gRPC client transport against a real, independent gRPC implementation (a grpc-js
// server) and, for what a real server will not do on cue (never answer, vanish mid-call,
// swallow bytes), bare node:http2 and TCP fakes.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const REQUEST = Buffer.from(encodeProto('logs', logsData(3, 'transport')));
const never = new AbortController().signal;

async function transport(endpoint: string, extra: Partial<GrpcTransportOptions> = {}): Promise<OtlpGrpcTransport> {
  const t = new OtlpGrpcTransport({ endpoint, tls: { insecure: false, insecure_skip_verify: false }, headers: {}, compression: 'none', timeoutMs: 0, who: 'exporter otlp/test', ...extra });
  await t.start();
  cleanups.push(() => t.close());
  return t;
}

async function grpcServer(port = 0, creds?: ServerCredentials): Promise<FakeOtlpGrpcServer> {
  const s = new FakeOtlpGrpcServer();
  await s.listen(port, creds);
  cleanups.push(() => s.close());
  return s;
}

/** A bare HTTP/2 server: `onStream` decides what each call gets (or does not get). */
async function h2Server(
  onStream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Promise<Buffer>) => void,
): Promise<{ server: Http2Server; port: number; sessions: ServerHttp2Session[] }> {
  const server = createH2Server();
  const sessions: ServerHttp2Session[] = [];
  server.on('session', (s) => sessions.push(s));
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const body = new Promise<Buffer>((resolve) => stream.on('end', () => resolve(Buffer.concat(chunks))));
    onStream(stream, headers, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sessions) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { server, port: (server.address() as { port: number }).port, sessions };
}

function answerOk(stream: ServerHttp2Stream): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(Buffer.from([0, 0, 0, 0, 0]));
}

async function rejection(p: Promise<unknown>): Promise<ExportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExportError);
  return err as ExportError;
}

describe('OtlpGrpcTransport', () => {
  it('sends the request with its metadata and headers to a grpc-js server, on one multiplexed session', async () => {
    const srv = await grpcServer();
    const t = await transport(`http://127.0.0.1:${srv.port}`, { headers: { 'X-Api-Key': 'secret' }, timeoutMs: 60_000 });
    expect(t.connectivity(false)).toBe('idle');
    await Promise.all([t.export('logs', REQUEST, never), t.export('logs', REQUEST, never), t.export('traces', Buffer.alloc(0), never)]);
    expect(srv.calls.map((c) => c.signal).sort()).toEqual(['logs', 'logs', 'traces']);
    expect(decodeProto('logs', srv.calls.find((c) => c.signal === 'logs')!.bytes)).toEqual(logsData(3, 'transport'));
    expect(srv.calls[0].metadata['x-api-key']).toBe('secret');
    expect(srv.calls[0].metadata['user-agent']).toMatch(/^genrf-collector/);
    expect(t.connectivity(false)).toBe('ready');
  });

  it('one session for concurrent calls; grpc-timeout, te and grpc-accept-encoding on every call', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const h2 = await h2Server((stream, headers, body) => {
      seen.push(headers);
      void body.then(() => answerOk(stream));
    });
    const t = await transport(`http://127.0.0.1:${h2.port}`, { timeoutMs: 5000 });
    await Promise.all(Array.from({ length: 5 }, () => t.export('logs', REQUEST, never)));
    expect(h2.sessions.length).toBe(1);
    expect(seen.length).toBe(5);
    expect(seen[0]).toMatchObject({ ':method': 'POST', te: 'trailers', 'content-type': 'application/grpc', 'grpc-timeout': '5000m', 'grpc-encoding': 'identity' });
    expect(seen[0]['grpc-accept-encoding']).toContain('gzip');
  });

  it("more calls than the server's max concurrent streams wait for a free stream, on the same session", async () => {
    let open = 0;
    let most = 0;
    const h2 = await h2Server((stream, _headers, body) => {
      most = Math.max(most, ++open);
      stream.on('close', () => open--);
      void body.then(() => setImmediate(() => answerOk(stream)));
    });
    h2.server.updateSettings({ maxConcurrentStreams: 2 });
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    await t.export('logs', REQUEST, never); // the session knows the limit from here on
    await Promise.all(Array.from({ length: 8 }, () => t.export('logs', REQUEST, never)));
    expect(most).toBe(2);
    expect(h2.sessions.length).toBe(1);
  });

  it('gzip: the message goes out compressed (flag 1, grpc-encoding gzip) and a grpc-js server reads the original', async () => {
    const seen: Array<{ encoding: unknown; body: Buffer }> = [];
    const h2 = await h2Server((stream, headers, body) => {
      void body.then((b) => {
        seen.push({ encoding: headers['grpc-encoding'], body: b });
        answerOk(stream);
      });
    });
    await (await transport(`http://127.0.0.1:${h2.port}`, { compression: 'gzip' })).export('logs', REQUEST, never);
    expect(seen[0].encoding).toBe('gzip');
    expect(seen[0].body[0]).toBe(1);
    expect(seen[0].body.readUInt32BE(1)).toBe(seen[0].body.length - 5);
    expect(gunzipSync(seen[0].body.subarray(5))).toEqual(REQUEST);

    const srv = await grpcServer();
    await (await transport(`http://127.0.0.1:${srv.port}`, { compression: 'gzip' })).export('logs', REQUEST, never);
    expect(srv.calls[0].bytes).toEqual(REQUEST);
  });

  it('resolves with the partial success of a response, also a gzip-compressed one', async () => {
    const srv = await grpcServer();
    srv.script.push({ response: Buffer.from(encodeProtoResponse('logs', { rejected: 2, errorMessage: 'too old' })) });
    const t = await transport(`http://127.0.0.1:${srv.port}`);
    expect(await t.export('logs', REQUEST, never)).toEqual({ rejected: 2, errorMessage: 'too old' });
    const h2 = await h2Server((stream) => {
      const message = gzipSync(encodeProtoResponse('logs', { rejected: 1, errorMessage: 'zipped' }));
      const prefix = Buffer.from([1, 0, 0, 0, 0]);
      prefix.writeUInt32BE(message.length, 1);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.concat([prefix, message]));
    });
    expect(await (await transport(`http://127.0.0.1:${h2.port}`)).export('logs', REQUEST, never)).toEqual({ rejected: 1, errorMessage: 'zipped' });
  });

  it('a status error with RetryInfo (trailers-only, from grpc-js) gives its code, message and retryAfterMs', async () => {
    const srv = await grpcServer();
    srv.script.push({ code: status.RESOURCE_EXHAUSTED, details: 'slow down', retryInfoBin: Buffer.from(encodeRpcStatus(GrpcCode.RESOURCE_EXHAUSTED, 'slow down', 1500)) });
    srv.script.push({ code: status.INVALID_ARGUMENT, details: 'bad span id' });
    const t = await transport(`http://127.0.0.1:${srv.port}`);
    const busy = await rejection(t.export('logs', REQUEST, never));
    expect(busy.message).toBe(`gRPC RESOURCE_EXHAUSTED: slow down (127.0.0.1:${srv.port})`);
    expect(busy.retryable).toBe(true);
    expect(busy.retryAfterMs).toBe(1500);
    const bad = await rejection(t.export('logs', REQUEST, never));
    expect(bad.message).toMatch(/^gRPC INVALID_ARGUMENT: bad span id/);
    expect(bad.retryable).toBe(false);
  });

  it('non-200 HTTP statuses map to gRPC codes; a response without grpc-status is UNKNOWN, not retried', async () => {
    const replies = [503, 404, 0];
    const h2 = await h2Server((stream) => {
      const http = replies.shift()!;
      if (http !== 0) return stream.respond({ ':status': http }, { endStream: true });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    const unavailable = await rejection(t.export('logs', REQUEST, never));
    expect([unavailable.message, unavailable.retryable]).toEqual([`gRPC UNAVAILABLE: received HTTP status 503 (127.0.0.1:${h2.port})`, true]);
    const unimplemented = await rejection(t.export('logs', REQUEST, never));
    expect([unimplemented.message.split(':')[0], unimplemented.retryable]).toEqual(['gRPC UNIMPLEMENTED', false]);
    const unknown = await rejection(t.export('logs', REQUEST, never));
    expect(unknown.message).toMatch(/^gRPC UNKNOWN: the server ended the call without a grpc-status/);
    expect(unknown.retryable).toBe(false);
  });

  it('peer down: calls fail at once with UNAVAILABLE (retryable); once it is up the next call reconnects', async () => {
    const port = await freePort();
    const t = await transport(`http://127.0.0.1:${port}`, { timeoutMs: 60_000 });
    const down = await rejection(t.export('logs', REQUEST, never));
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/^gRPC UNAVAILABLE: cannot connect: .*ECONNREFUSED/);
    expect(t.connectivity(false)).toBe('transient_failure');
    // In the reconnect backoff a health check does not connect again.
    expect(t.connectivity(true)).toBe('transient_failure');
    const again = await rejection(t.export('logs', REQUEST, never)); // a call tries at once
    expect(again.message).toMatch(/UNAVAILABLE/);
    const srv = await grpcServer(port);
    await t.export('logs', REQUEST, never);
    expect(srv.calls.length).toBe(1);
    expect(t.connectivity(false)).toBe('ready');
  });

  it('deadline: a server that never answers gives DEADLINE_EXCEEDED (retryable) and the stream is cancelled', async () => {
    const closed = signal<number>();
    const h2 = await h2Server((stream) => stream.on('close', () => closed.resolve(stream.rstCode)));
    const t = await transport(`http://127.0.0.1:${h2.port}`, { timeoutMs: 150 });
    const started = performance.now();
    const err = await rejection(t.export('logs', REQUEST, never));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(err.message).toBe(`gRPC DEADLINE_EXCEEDED: no answer within 150 ms (127.0.0.1:${h2.port})`);
    expect(err.retryable).toBe(true);
    expect(await closed.promise).toBe(constants.NGHTTP2_CANCEL);
  });

  it('abort mid-call: rejects with the abort reason (an ExportError) and cancels the stream', async () => {
    const arrived = signal();
    const closed = signal<number>();
    const h2 = await h2Server((stream) => {
      arrived.resolve();
      stream.on('close', () => closed.resolve(stream.rstCode));
    });
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    const ac = new AbortController();
    const pending = t.export('logs', REQUEST, ac.signal);
    await arrived.promise;
    const reason = ExportError.retryable('exporter shutting down');
    ac.abort(reason);
    expect(await pending.catch((e: unknown) => e)).toBe(reason);
    expect(await closed.promise).toBe(constants.NGHTTP2_CANCEL);
    // Any other reason: CANCELLED, retryable.
    const other = new AbortController();
    const second = t.export('logs', REQUEST, other.signal);
    other.abort(new Error('why not'));
    const err = await rejection(second);
    expect([err.message.split(':')[0], err.retryable]).toEqual(['gRPC CANCELLED', true]);
  });

  it('the peer drops the session mid-call (destroy, GOAWAY): UNAVAILABLE, retryable; the next call reconnects', async () => {
    let mode: 'destroy' | 'goaway' | 'answer' = 'destroy';
    const h2 = await h2Server((stream) => {
      if (mode === 'answer') return answerOk(stream);
      if (mode === 'destroy') stream.session?.destroy();
      else stream.session?.goaway(constants.NGHTTP2_PROTOCOL_ERROR, 0);
    });
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    const destroyed = await rejection(t.export('logs', REQUEST, never));
    expect(destroyed.message).toMatch(/^gRPC UNAVAILABLE: /);
    expect(destroyed.retryable).toBe(true);
    mode = 'goaway';
    const goaway = await rejection(t.export('logs', REQUEST, never));
    expect(goaway.message).toMatch(/^gRPC UNAVAILABLE: .*GOAWAY/);
    expect(goaway.retryable).toBe(true);
    mode = 'answer';
    await t.export('logs', REQUEST, never);
    expect(h2.sessions.length).toBe(3);
  });

  it('a graceful GOAWAY lets the call in flight finish; the next call opens a new session', async () => {
    const h2 = await h2Server((stream, _headers, body) => {
      stream.session?.goaway(constants.NGHTTP2_NO_ERROR, stream.id);
      void body.then(() => answerOk(stream));
    });
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    await t.export('logs', REQUEST, never);
    await t.export('logs', REQUEST, never);
    expect(h2.sessions.length).toBe(2);
  });

  it('keepalive: a peer that stops answering (bytes swallowed) is dropped; the call fails UNAVAILABLE, not after its deadline', async () => {
    const h2 = await h2Server((stream, _headers, body) => void body.then(() => answerOk(stream)));
    // A TCP proxy in front of the server that can start swallowing everything, as a dead
    // peer (or a broken network path) would.
    let swallow = false;
    const sockets: Socket[] = [];
    const proxy: TcpServer = createTcpServer((client) => {
      const upstream = tcpConnect(h2.port, '127.0.0.1');
      sockets.push(client, upstream);
      client.on('data', (d) => swallow || upstream.write(d));
      upstream.on('data', (d) => swallow || client.write(d));
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      proxy.close();
    });
    const t = await transport(`http://127.0.0.1:${(proxy.address() as { port: number }).port}`, { keepaliveMs: 100, keepaliveTimeoutMs: 200, timeoutMs: 600_000 });
    await t.export('logs', REQUEST, never);
    swallow = true;
    const err = await rejection(t.export('logs', REQUEST, never));
    expect(err.message).toMatch(/^gRPC UNAVAILABLE: connection lost: no answer to a keepalive PING within 200 ms/);
    expect(err.retryable).toBe(true);
    expect(t.connectivity(false)).toBe('transient_failure');
  });

  it('connectivity: idle before use, connecting then ready on tryToConnect, shutdown after close', async () => {
    const srv = await grpcServer();
    const t = await transport(`http://127.0.0.1:${srv.port}`);
    expect(t.connectivity(false)).toBe('idle');
    expect(t.connectivity(true)).toBe('connecting');
    await until(() => t.connectivity(false) === 'ready', 5000, 'the connection');
    t.close();
    expect(t.connectivity(false)).toBe('shutdown');
    expect((await rejection(t.export('logs', REQUEST, never))).retryable).toBe(false);
  });

  it('close() fails the calls in flight (UNAVAILABLE)', async () => {
    const arrived = signal();
    const h2 = await h2Server(() => arrived.resolve());
    const t = await transport(`http://127.0.0.1:${h2.port}`);
    const pending = t.export('logs', REQUEST, never);
    await arrived.promise;
    t.close();
    const err = await rejection(pending);
    expect(err.message).toMatch(/^gRPC UNAVAILABLE: transport closed/);
  });
});

describe('OtlpGrpcTransport over TLS (grpc-js server)', () => {
  let dir: string;
  let pem: { ca: Buffer; serverKey: Buffer; serverCert: Buffer };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genrf-grpc-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=genrf test CA');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, subject] of [
      ['server', '/CN=127.0.0.1'],
      ['client', '/CN=genrf client'],
    ]) {
      ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    }
    pem = { ca: readFileSync(join(dir, 'ca.pem')), serverKey: readFileSync(join(dir, 'server.key')), serverCert: readFileSync(join(dir, 'server.pem')) };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tls = (extra: Record<string, unknown>) => ({ tls: { insecure: false, insecure_skip_verify: false, ...extra } });

  it('mutual TLS: with the client certificate the call goes through; without it the server refuses (UNAVAILABLE)', async () => {
    const srv = await grpcServer(0, ServerCredentials.createSsl(pem.ca, [{ private_key: pem.serverKey, cert_chain: pem.serverCert }], true));
    const withCert = await transport(`127.0.0.1:${srv.port}`, tls({ ca_file: join(dir, 'ca.pem'), cert_file: join(dir, 'client.pem'), key_file: join(dir, 'client.key') }));
    expect(withCert.secure).toBe(true);
    await withCert.export('logs', REQUEST, never);
    expect(srv.calls.length).toBe(1);
    const without = await transport(`https://127.0.0.1:${srv.port}`, tls({ ca_file: join(dir, 'ca.pem') }));
    const err = await rejection(without.export('logs', REQUEST, never));
    expect(err.message).toMatch(/^gRPC UNAVAILABLE: /);
    expect(err.retryable).toBe(true);
    expect(srv.calls.length).toBe(1);
  });

  it('insecure_skip_verify accepts a server certificate no CA vouches for; without it the call fails', async () => {
    const srv = await grpcServer(0, ServerCredentials.createSsl(null, [{ private_key: pem.serverKey, cert_chain: pem.serverCert }]));
    const untrusted = await transport(`127.0.0.1:${srv.port}`);
    const err = await rejection(untrusted.export('logs', REQUEST, never));
    expect(err.message).toMatch(/^gRPC UNAVAILABLE: cannot connect: .*certificate/i);
    const skip = await transport(`127.0.0.1:${srv.port}`, tls({ insecure_skip_verify: true }));
    await skip.export('logs', REQUEST, never);
    expect(srv.calls.length).toBe(1);
  });
});

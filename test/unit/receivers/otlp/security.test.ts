import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuthExtensionFactory } from '../../../../src/extensions/bearertokenauth/factory.ts';
import type { Extension, Host } from '../../../../src/pipeline/component.ts';
import type { LogsData } from '../../../../src/pdata/types.ts';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { testSettings as loggingSettings, metricValue } from '../../exporters/fixtures.ts';
import { RecordingConsumer, logsRequest, readStatus, request } from './helpers.ts';

// Authentication and CORS on the OTLP receiver: a refused request is answered before its
// body is read, in the request's encoding; include_metadata records who sent; browsers get
// CORS answers. The authenticator is the real bearertokenauth extension.

const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const raw = (b: Buffer) => b;
const SEC = 'Bearer security-token-0123456789';
const WORKER = 'Bearer worker-token-0123456789';

let logs: RecordingConsumer;
let receiver: OtlpReceiver;
let auth: Extension;
let settings: ReturnType<typeof loggingSettings>;
let httpPort: number;
let client: grpc.Client;

beforeAll(async () => {
  auth = bearerTokenAuthExtensionFactory.create(
    loggingSettings('bearertokenauth/w'),
    bearerTokenAuthExtensionFactory.config.parse({
      tokens: [
        { token: 'security-token-0123456789', subject: 'security-service' },
        { token: 'worker-token-0123456789', subject: 'worker' },
      ],
    }),
  );
  await auth.start({ components: () => [] });
  const host: Host = { components: () => [], extensions: () => new Map([['bearertokenauth/w', auth]]) };
  logs = new RecordingConsumer();
  settings = loggingSettings('otlp');
  const security = { auth: { authenticator: 'bearertokenauth/w' }, include_metadata: true };
  const config = otlpReceiverConfig.parse({
    protocols: {
      grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 1, ...security },
      http: { endpoint: '127.0.0.1:0', ...security, cors: { allowed_origins: ['https://*.genrf.example'], allowed_headers: ['X-Genrf'], max_age: 600 } },
    },
  });
  receiver = otlpReceiverFactory.create(settings, config, { logs }) as OtlpReceiver;
  await receiver.start(host);
  httpPort = receiver.addresses.http!.port;
  client = new grpc.Client(`127.0.0.1:${receiver.addresses.grpc!.port}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client.close();
  await receiver.shutdown();
  await auth.shutdown();
});

function grpcExport(body: Buffer, authorization?: string): Promise<{ code: number; details: string }> {
  const md = new grpc.Metadata();
  if (authorization) md.set('authorization', authorization);
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_EXPORT, raw, raw, body, md, (err) => resolve({ code: err?.code ?? 0, details: err?.details ?? '' }));
  });
}

const subjects = (from: number) =>
  logs.batches.slice(from).flatMap((b) => (b.data as LogsData).resourceLogs.map((r) => r.resource.attributes.find((a) => a.key === 'auth.subject')?.value.stringValue));

describe('otlp receiver: authentication over HTTP', () => {
  it('401 with WWW-Authenticate and a Status in the request encoding; nothing reaches the pipeline', async () => {
    const before = logs.items;
    const proto = await request(httpPort, '/v1/logs', { headers: { 'content-type': 'application/x-protobuf' }, body: logsRequest(2) });
    expect(proto.status).toBe(401);
    expect(proto.headers['www-authenticate']).toBe('Bearer realm="genrf-collector"');
    expect(readStatus(proto.body)).toEqual({ code: 16, message: 'no credentials: send the Authorization header' });
    const json = await request(httpPort, '/v1/logs', { headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' });
    expect(json.status).toBe(401);
    expect(JSON.parse(json.body.toString())).toMatchObject({ code: 16, message: 'the token is not valid' });
    expect(logs.items).toBe(before);
  });

  it('refuses before reading the body: a request announcing 1 GB is answered at once', async () => {
    const res = await request(httpPort, '/v1/logs', {
      headers: { 'content-type': 'application/x-protobuf', 'content-length': 1_000_000_000 },
      body: (req) => {
        req.write(Buffer.alloc(1024));
      },
    });
    expect(res.status).toBe(401);
    expect(res.headers.connection).toBe('close');
  });

  it('takes good credentials and records the subject, replacing one the client forged', async () => {
    const from = logs.batches.length;
    const forged = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'auth.subject', value: { stringValue: 'security-service' } }] },
          scopeLogs: [{ scope: { name: 'genrf.security.audit' }, logRecords: [{ body: { stringValue: 'x' } }] }],
        },
      ],
    });
    const res = await request(httpPort, '/v1/logs', { headers: { 'content-type': 'application/json', authorization: WORKER }, body: forged });
    expect(res.status).toBe(200);
    const ok = await request(httpPort, '/v1/logs', { headers: { 'content-type': 'application/x-protobuf', authorization: SEC }, body: logsRequest(1) });
    expect(ok.status).toBe(200);
    expect(subjects(from)).toEqual(['worker', 'security-service']);
  });

  it('counts every refusal and logs at most one per second, with the peer and never the token', async () => {
    const before = await metricValue(settings, 'genrf_collector_auth_failures_total', 'listener="receiver/otlp (http)"', 'reason="invalid"');
    const logged = settings.logs.length;
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await request(httpPort, '/v1/logs', { headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer leaked-secret-token' }, body: logsRequest(1) });
    }
    const elapsed = Date.now() - t0;
    expect(await metricValue(settings, 'genrf_collector_auth_failures_total', 'listener="receiver/otlp (http)"', 'reason="invalid"')).toBe((Number.isNaN(before) ? 0 : before) + 20);
    const warnings = settings.logs.slice(logged).filter((l) => String(l.msg).startsWith('request refused'));
    expect(warnings.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1000));
    expect(settings.logs.filter((l) => String(l.msg).startsWith('request refused')).length).toBeGreaterThanOrEqual(1);
    for (const w of warnings) expect(w).toMatchObject({ listener: 'receiver/otlp (http)', peer: '127.0.0.1' });
    expect(JSON.stringify(settings.logs)).not.toContain('leaked-secret-token');
  });
});

describe('otlp receiver: authentication over gRPC', () => {
  it('UNAUTHENTICATED without or with a bad token; the message is never read (an oversized one is not RESOURCE_EXHAUSTED)', async () => {
    const before = logs.items;
    expect(await grpcExport(logsRequest(1))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'no credentials: send the Authorization header' });
    expect((await grpcExport(logsRequest(1), 'Bearer wrong')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await grpcExport(Buffer.alloc(3 * 1024 * 1024), 'Bearer wrong')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await grpcExport(Buffer.alloc(3 * 1024 * 1024), WORKER)).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(logs.items).toBe(before);
    expect(await metricValue(settings, 'genrf_collector_auth_failures_total', 'listener="receiver/otlp (grpc)"', 'reason="missing"')).toBe(1);
  });

  it('takes good credentials and records the subject; a client cannot pass its own subject in metadata', async () => {
    const from = logs.batches.length;
    const md = new grpc.Metadata();
    md.set('authorization', WORKER);
    md.set('x-genrf-auth-subject', 'security-service');
    const code = await new Promise<number>((resolve) => client.makeUnaryRequest(LOGS_EXPORT, raw, raw, logsRequest(1), md, (err) => resolve(err?.code ?? 0)));
    expect(code).toBe(0);
    expect(await grpcExport(logsRequest(1), SEC)).toEqual({ code: 0, details: '' });
    expect(subjects(from)).toEqual(['worker', 'security-service']);
  });
});

describe('otlp receiver: CORS', () => {
  it('answers an allowed preflight with the origin, POST, the asked headers and max age, without credentials', async () => {
    const res = await request(httpPort, '/v1/logs', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.genrf.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-genrf, authorization',
      },
    });
    // authorization is not allowed: the preflight fails as a browser sees it (no CORS headers).
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await request(httpPort, '/v1/logs', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.genrf.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-genrf',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.genrf.example',
      'access-control-allow-methods': 'POST',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'content-type, x-genrf',
      'access-control-max-age': '600',
    });
  });

  it('gives no CORS headers to another origin, and decorates answers (401 included) for an allowed one', async () => {
    const other = await request(httpPort, '/v1/logs', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const refused = await request(httpPort, '/v1/logs', { headers: { origin: 'https://app.genrf.example', 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('https://app.genrf.example');
    expect(refused.headers.vary).toBe('Origin');
  });
});

import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { healthCheckExtensionFactory } from '../../../src/extensions/health_check/factory.ts';
import type { HealthCheckExtension } from '../../../src/extensions/health_check/health-check.ts';
import { otlpReceiverConfig } from '../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../src/receivers/otlp/receiver.ts';
import { MetricsServer } from '../../../src/telemetry/server.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { TestPki, type Issued } from '../../helpers/certs.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until } from '../../helpers/wait.ts';
import { RecordingConsumer, logsRequest } from '../receivers/otlp/helpers.ts';

// TLS on the daemon's servers: certificates from files, mutual TLS, versions and suites, and
// certificates rotated on disk picked up for new connections while open ones keep going.

let pki: TestPki;
let first: Issued;
let second: Issued;
let client: Issued;
beforeAll(() => {
  pki = new TestPki();
  first = pki.server('first');
  second = pki.server('second');
  client = pki.client('client', 'genrf-worker');
});
afterAll(() => pki.remove());

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});
const host = { components: () => [] };

async function health(tls: Record<string, unknown>, logs?: ReturnType<typeof testSettings>): Promise<{ port: number; settings: ReturnType<typeof testSettings> }> {
  const settings = logs ?? testSettings('health_check');
  const ext = healthCheckExtensionFactory.create(settings, healthCheckExtensionFactory.config.parse({ endpoint: '127.0.0.1:0', tls })) as HealthCheckExtension;
  await ext.start(host);
  stops.push(() => ext.shutdown());
  return { port: ext.port!, settings };
}

/** One GET over TLS; resolves with the status and the serial of the certificate the server showed. */
function get(port: number, opts: https.RequestOptions = {}): Promise<{ status: number; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/health', ca: pki.caPem, agent: false, ...opts }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerX509Certificate()?.serialNumber ?? '';
      res.resume().on('end', () => resolve({ status: res.statusCode!, serial }));
    });
    req.on('error', reject);
  });
}

const serialOf = (i: Issued) => new X509Certificate(i.certPem).serialNumber;

describe('TLS on a server', () => {
  it('serves over TLS with the configured certificate, and refuses plain text', async () => {
    const { port } = await health({ cert_file: first.cert, key_file: first.key });
    const r = await get(port);
    expect(r.status).toBe(200);
    expect(r.serial).toBe(serialOf(first));
    const plain = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => 'answered',
      () => 'failed',
    );
    expect(plain).toBe('failed');
  });

  it('mutual TLS: a client without a certificate from client_ca_file is refused in the handshake, and counted', async () => {
    const { port, settings } = await health({ cert_file: first.cert, key_file: first.key, client_ca_file: pki.ca });
    expect((await get(port, { cert: client.certPem, key: client.keyPem })).status).toBe(200);
    await expect(get(port)).rejects.toThrow();
    const stranger = new TestPki('stranger CA').client('stranger');
    await expect(get(port, { cert: stranger.certPem, key: stranger.keyPem })).rejects.toThrow();
    const text = await settings.metrics.render();
    expect(text).toMatch(/genrf_collector_auth_failures_total\{listener="extension\/health_check",reason="tls_handshake"\} [12]/);
    const warned = settings.logs.filter((l) => l.msg === 'request refused: TLS handshake failed: ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    expect(warned.length).toBeLessThanOrEqual(1);
  });

  it('min_version 1.3 refuses a TLS 1.2 client; cipher_suites limits TLS 1.2 suites', async () => {
    const { port } = await health({ cert_file: first.cert, key_file: first.key, min_version: 1.3 });
    await expect(get(port, { maxVersion: 'TLSv1.2' })).rejects.toThrow();
    expect((await get(port)).status).toBe(200);

    const limited = await health({ cert_file: first.cert, key_file: first.key, max_version: '1.2', cipher_suites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'] });
    const cipher = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: limited.port, ca: pki.caPem }, () => {
        resolve(s.getCipher().name);
        s.end();
      });
      s.on('error', reject);
    });
    expect(cipher).toBe('ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  it('fails to start with an error naming the unreadable file, never a file content', async () => {
    const ext = healthCheckExtensionFactory.create(
      testSettings('health_check'),
      healthCheckExtensionFactory.config.parse({
        endpoint: '127.0.0.1:0',
        tls: { cert_file: first.cert, key_file: `${pki.dir}/missing.key` },
      }),
    );
    await expect(ext.start(host)).rejects.toThrow(`health_check: cannot read tls.key_file ${pki.dir}/missing.key: ENOENT`);
    const mismatched = healthCheckExtensionFactory.create(
      testSettings('health_check'),
      healthCheckExtensionFactory.config.parse({
        endpoint: '127.0.0.1:0',
        tls: { cert_file: first.cert, key_file: second.key },
      }),
    );
    const err = await mismatched.start(host).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(err).toMatch(/health_check: tls: .*key values mismatch/);
    expect(err).not.toContain('PRIVATE KEY');
  });
});

describe('certificate reload', () => {
  it('new connections get a rotated certificate within reload_interval; an open connection keeps working', async () => {
    const live = pki.server('live');
    const { port, settings } = await health({ cert_file: live.cert, key_file: live.key, reload_interval: '100ms' });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    stops.push(async () => agent.destroy());
    const before = await get(port, { agent });
    expect(before.serial).toBe(serialOf(live));

    TestPki.rotate(second, live);
    await until(async () => (await get(port)).serial === serialOf(second), 10_000, 'a new connection to show the new certificate');
    // The keep-alive connection made before the rotation still answers, on its old certificate.
    const kept = await get(port, { agent });
    expect(kept).toEqual({ status: 200, serial: serialOf(live) });
    expect(settings.logs.some((l) => l.msg === 'TLS certificate reloaded: new connections use it' && l.serial === serialOf(second))).toBe(true);
  });

  it('a half-written rotation (new key, old certificate) keeps the old pair until the new one is whole', async () => {
    const live = pki.server('half');
    const { port, settings } = await health({ cert_file: live.cert, key_file: live.key, reload_interval: '50ms' });
    writeFileSync(live.key, second.keyPem);
    await until(async () => settings.logs.some((l) => String(l.msg).startsWith('TLS reload: the new files do not make a valid')), 10_000, 'the mismatch to be noticed');
    expect((await get(port)).serial).toBe(serialOf(live));
    writeFileSync(live.cert, second.certPem);
    await until(async () => (await get(port)).serial === serialOf(second), 10_000, 'the whole new pair');
  });

  it('gRPC: the OTLP receiver picks up a rotated certificate for new channels', async () => {
    const live = pki.server('grpc');
    const logs = new RecordingConsumer();
    const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0', tls: { cert_file: live.cert, key_file: live.key, reload_interval: '100ms' } } } });
    const receiver = otlpReceiverFactory.create(testSettings('otlp'), config, { logs }) as OtlpReceiver;
    await receiver.start(host);
    stops.push(() => receiver.shutdown());
    const port = receiver.addresses.grpc!.port;
    const peerSerial = () =>
      new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, ca: pki.caPem, ALPNProtocols: ['h2'] }, () => {
          resolve(s.getPeerX509Certificate()!.serialNumber);
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await peerSerial()).toBe(serialOf(live));
    const Client = grpc.makeGenericClientConstructor(
      {
        Export: {
          path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'Logs',
    );
    const c = new Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(pki.caPem));
    stops.push(async () => c.close());
    const exportOnce = () => new Promise<void>((resolve, reject) => (c as any).Export(logsRequest(1), (err: Error | null) => (err ? reject(err) : resolve())));
    await exportOnce();
    TestPki.rotate(second, live);
    await until(async () => (await peerSerial()) === serialOf(second), 10_000, 'the new certificate on a new connection');
    await exportOnce();
    expect(logs.items).toBe(2);
  });

  it('gRPC mutual TLS: the OTLP receiver takes a call from a client with a certificate, refuses one without in the handshake, and counts it', async () => {
    const logs = new RecordingConsumer();
    const settings = testSettings('otlp');
    const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0', tls: { cert_file: first.cert, key_file: first.key, client_ca_file: pki.ca } } } });
    const receiver = otlpReceiverFactory.create(settings, config, { logs }) as OtlpReceiver;
    await receiver.start(host);
    stops.push(() => receiver.shutdown());
    const port = receiver.addresses.grpc!.port;
    const exportOnce = (opts: http2.SecureClientSessionOptions) =>
      new Promise<string>((resolve, reject) => {
        const s = http2.connect(`https://127.0.0.1:${port}`, { ca: pki.caPem, servername: 'localhost', ...opts });
        s.on('error', reject);
        const body = logsRequest(1);
        const prefix = Buffer.from([0, 0, 0, 0, 0]);
        prefix.writeUInt32BE(body.length, 1);
        const req = s.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.logs.v1.LogsService/Export', 'content-type': 'application/grpc' });
        req.on('error', reject);
        req.on('trailers', (t) => resolve(String(t['grpc-status'])));
        req.on('close', () => s.close());
        req.resume();
        req.end(Buffer.concat([prefix, body]));
      });
    expect(await exportOnce({ cert: client.certPem, key: client.keyPem })).toBe('0');
    await expect(exportOnce({})).rejects.toThrow();
    await until(
      async () => /genrf_collector_auth_failures_total\{listener="receiver\/otlp \(grpc\)",reason="tls_handshake"\} 1/.test(await settings.metrics.render()),
      10_000,
      'the refused handshake to be counted',
    );
    expect(logs.items).toBe(1);
  });

  it("the daemon's own /metrics serves over TLS", async () => {
    const server = new MetricsServer(new SelfMetrics(), '127.0.0.1:0', {
      tls: otlpReceiverConfig.parse({ protocols: { http: { tls: { cert_file: first.cert, key_file: first.key } } } }).protocols.http!.tls,
    });
    await server.start();
    stops.push(() => server.shutdown());
    const r = await get(server.port!, { path: '/metrics' });
    expect(r).toEqual({ status: 200, serial: serialOf(first) });
  });
});

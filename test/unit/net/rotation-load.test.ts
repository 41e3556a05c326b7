import { X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpReceiverConfig } from '../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../src/receivers/otlp/receiver.ts';
import { TestPki, type Issued } from '../../helpers/certs.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until } from '../../helpers/wait.ts';
import { RecordingConsumer, logsRequest } from '../receivers/otlp/helpers.ts';

// Certificate rotation under load: OTLP/HTTP and OTLP/gRPC clients send without pause, on
// keep-alive connections and on a new connection per request, while the certificate files are
// rotated several times, each time the careless way (the key written before the certificate,
// so the reload sees a mismatched pair first). No request may fail because of a rotation, and
// every accepted record must reach the pipeline.

const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const raw = (b: Buffer) => b;
const ROTATIONS = 4;

let pki: TestPki;
let live: Issued;
let next: Issued[];
let receiver: OtlpReceiver;
let logs: RecordingConsumer;
let settings: ReturnType<typeof testSettings>;

beforeAll(async () => {
  pki = new TestPki('rotation CA');
  live = pki.server('live');
  next = Array.from({ length: ROTATIONS }, (_, i) => pki.server(`next${i}`));
  logs = new RecordingConsumer();
  settings = testSettings('otlp');
  const tls = { cert_file: live.cert, key_file: live.key, reload_interval: '50ms' };
  const config = otlpReceiverConfig.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0', tls }, http: { endpoint: '127.0.0.1:0', tls } } });
  receiver = otlpReceiverFactory.create(settings, config, { logs }) as OtlpReceiver;
  await receiver.start({ components: () => [] });
});

afterAll(async () => {
  await receiver?.shutdown();
  pki?.remove();
});

const serialOf = (i: Issued) => new X509Certificate(i.certPem).serialNumber;

/** The serial a new TLS connection to `port` is shown. */
function peerSerial(port: number, alpn: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca: pki.caPem, ALPNProtocols: alpn }, () => {
      resolve(s.getPeerX509Certificate()!.serialNumber);
      s.destroy();
    });
    s.on('error', reject);
  });
}

function httpPost(port: number, body: Buffer, agent: https.Agent | false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/logs',
        method: 'POST',
        ca: pki.caPem,
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => res.resume().on('end', () => resolve(res.statusCode!)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function grpcExport(client: grpc.Client, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(LOGS_EXPORT, raw, raw, body, new grpc.Metadata(), (err) => resolve(err?.code ?? 0));
  });
}

describe('certificate rotation under load', () => {
  it('no request fails while the certificate is rotated; every accepted record arrives', async () => {
    const httpPort = receiver.addresses.http!.port;
    const grpcPort = receiver.addresses.grpc!.port;
    const body = Buffer.from(logsRequest(5));
    let stop = false;
    let sent = 0;
    const failures: string[] = [];
    const note = (what: string) => (r: number | Error) => {
      if (r instanceof Error || (r !== 200 && r !== 0)) failures.push(`${what}: ${r instanceof Error ? r.message : r}`);
      else sent++;
    };
    const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 2 });
    const channel = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createSsl(pki.caPem));
    const loops = [
      // HTTP on two keep-alive connections, and on a new connection (a new handshake) per request.
      ...[0, 1].map(async () => {
        while (!stop) await httpPost(httpPort, body, keepAlive).then(note('http keep-alive'), note('http keep-alive'));
      }),
      (async () => {
        while (!stop) await httpPost(httpPort, body, false).then(note('http new connection'), note('http new connection'));
      })(),
      // gRPC on one long-lived channel, and on a new channel every 5 calls.
      (async () => {
        while (!stop) note('grpc channel')(await grpcExport(channel, body));
      })(),
      (async () => {
        while (!stop) {
          const c = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createSsl(pki.caPem));
          for (let i = 0; i < 5 && !stop; i++) note('grpc new channel')(await grpcExport(c, body));
          c.close();
        }
      })(),
    ];
    try {
      for (const n of next) {
        const before = sent;
        TestPki.rotate(n, live); // key first, then certificate
        for (const [port, alpn] of [
          [httpPort, ['http/1.1']],
          [grpcPort, ['h2']],
        ] as const) {
          await until(async () => (await peerSerial(port, [...alpn])) === serialOf(n), 15_000, `port ${port} to show the rotated certificate`);
        }
        // Load kept flowing across this rotation.
        await until(() => sent >= before + 20, 15_000, 'load across the rotation');
      }
    } finally {
      stop = true;
      await Promise.all(loops);
      keepAlive.destroy();
      channel.close();
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(ROTATIONS * 20);
    expect(logs.items).toBe(sent * 5);
    const reloaded = settings.logs.filter((l) => l.msg === 'TLS certificate reloaded: new connections use it');
    // Each rotation was seen by both servers (a reload may also have caught a half-written pair, which is kept out).
    expect(new Set(reloaded.map((l) => l.serial))).toEqual(new Set(next.map(serialOf)));
  }, 120_000);
});

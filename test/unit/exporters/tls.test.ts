import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerCredentials } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { otlpExporterFactory } from '../../../src/exporters/otlp/factory.ts';
import { otlpHttpExporterFactory } from '../../../src/exporters/otlphttp/factory.ts';
import type { ExporterFactory } from '../../../src/pipeline/component.ts';
import { FakeOtlpGrpcServer } from './grpc-server.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until } from '../../helpers/wait.ts';
import { logsBatch } from './fixtures.ts';

// A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI.
let dir: string;
let pem: { ca: string; key: Buffer; cert: Buffer };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genrf-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=genrf test CA');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  pem = { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = { components: () => [] };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function exporter(factory: ExporterFactory, raw: Record<string, unknown>) {
  // A refused exporter still retries at shutdown; 100 ms is enough for it to give up.
  const exp = factory.create(testSettings('tls', 100), factory.config.parse({ retry_on_failure: { initial_interval: '20ms' }, ...raw }), 'logs');
  cleanups.push(() => exp.shutdown());
  return exp;
}

describe('TLS', () => {
  it('gRPC: TLS by default, trusting ca_file; an untrusted server is refused', async () => {
    const srv = new FakeOtlpGrpcServer();
    await srv.listen(0, ServerCredentials.createSsl(null, [{ private_key: pem.key, cert_chain: pem.cert }]));
    cleanups.push(() => srv.close());
    const trusted = exporter(otlpExporterFactory, { endpoint: `127.0.0.1:${srv.port}`, tls: { ca_file: pem.ca } });
    await trusted.start(host);
    await trusted.consume(logsBatch(1));
    await until(() => srv.calls.length === 1, 5000, 'a call over TLS');

    const untrusted = exporter(otlpExporterFactory, { endpoint: `127.0.0.1:${srv.port}` });
    await untrusted.start(host);
    await untrusted.consume(logsBatch(1));
    await until(() => !untrusted.health!().healthy, 5000, 'the certificate to be refused');
    expect(srv.calls.length).toBe(1);

    const skip = exporter(otlpExporterFactory, { endpoint: `127.0.0.1:${srv.port}`, tls: { insecure_skip_verify: true } });
    await skip.start(host);
    await skip.consume(logsBatch(1));
    await until(() => srv.calls.length >= 2, 5000, 'a call with verification off');
  });

  it('HTTPS: trusts ca_file, refuses an unknown CA', async () => {
    let requests = 0;
    const server: Server = createHttpsServer({ key: pem.key, cert: pem.cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const port = (server.address() as { port: number }).port;

    const trusted = exporter(otlpHttpExporterFactory, { endpoint: `https://127.0.0.1:${port}`, tls: { ca_file: pem.ca } });
    await trusted.start(host);
    await trusted.consume(logsBatch(1));
    await until(() => requests === 1, 5000, 'a request over TLS');

    const untrusted = exporter(otlpHttpExporterFactory, { endpoint: `https://127.0.0.1:${port}` });
    await untrusted.start(host);
    await untrusted.consume(logsBatch(1));
    await until(() => !untrusted.health!().healthy, 5000, 'the certificate to be refused');
    expect(untrusted.health!().message).toMatch(/certificate/i);
    expect(requests).toBe(1);
  });

  it('a missing ca_file fails start with the path in the message', async () => {
    const exp = exporter(otlpHttpExporterFactory, { endpoint: 'https://127.0.0.1:1', tls: { ca_file: join(dir, 'nope.pem') } });
    await expect(exp.start(host)).rejects.toThrow(/tls\.ca_file .*nope\.pem/);
  });
});

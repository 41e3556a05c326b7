// One daemon with a secured OTLP receiver per way of securing it (TLS, mutual TLS, bearer
// token, basic auth, OIDC JWT; the auth ones over TLS, as deployed), all writing traces to
// one file, with the credentials a client needs for each. The SDK tests (JS in e2e, Python
// in services) send through it and read what landed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { freePort, startDaemon, tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { TestPki, type Issued } from './certs.ts';
import { TestIssuer } from './oidc-issuer.ts';

export type Mode = 'tls' | 'mtls' | 'bearer' | 'basic' | 'oidc';
export const MODES: readonly Mode[] = ['tls', 'mtls', 'bearer', 'basic', 'oidc'];

export interface SecureDaemon {
  daemon: Daemon;
  dir: string;
  /** The traces file the five receivers write to. */
  traces: string;
  pki: TestPki;
  client: Issued;
  ports: Record<Mode, { grpc: number; http: number }>;
  /** A header that passes, and one that does not, for each auth mode (undefined for tls and mtls). */
  good: Record<Mode, string | undefined>;
  bad: Record<Mode, string | undefined>;
  /** The auth.subject the good credential stands for. */
  subject: Record<Mode, string | undefined>;
  issuer: TestIssuer;
  stop(): Promise<void>;
}

export async function startSecureDaemon(): Promise<SecureDaemon> {
  const dir = await tempDir('genrf-secure-');
  const pki = new TestPki('genrf secure test CA', dir);
  const server = pki.server('daemon');
  const client = pki.client('worker', 'genrf-worker');
  const issuerCert = pki.server('issuer');
  const issuer = await new TestIssuer({ cert: issuerCert.certPem, key: issuerCert.keyPem }).start();
  await writeFile(join(dir, 'tokens'), 'worker-token-5f2a9c,security-service\n');
  await writeFile(join(dir, 'htpasswd'), `security-service:${hashSync('basic-pw-7d1e', 4)}\n`);
  const ports = {} as SecureDaemon['ports'];
  for (const m of MODES) ports[m] = { grpc: await freePort(), http: await freePort() };
  const tls = `{ cert_file: ${server.cert}, key_file: ${server.key} }`;
  const mtls = `{ cert_file: ${server.cert}, key_file: ${server.key}, client_ca_file: ${pki.ca} }`;
  const receiver = (m: Mode, t: string, auth?: string) => {
    const extra = auth ? `, auth: { authenticator: ${auth} }, include_metadata: true` : '';
    return `  otlp/${m}:\n    protocols:\n      grpc: { endpoint: 127.0.0.1:${ports[m].grpc}, tls: ${t}${extra} }\n      http: { endpoint: 127.0.0.1:${ports[m].http}, tls: ${t}${extra} }`;
  };
  const traces = join(dir, 'traces.jsonl');
  const daemon = await startDaemon(
    `
receivers:
${receiver('tls', tls)}
${receiver('mtls', mtls)}
${receiver('bearer', tls, 'bearertokenauth')}
${receiver('basic', tls, 'basicauth')}
${receiver('oidc', tls, 'oidc')}
extensions:
  bearertokenauth: { filename: ${join(dir, 'tokens')} }
  basicauth: { htpasswd: { file: ${join(dir, 'htpasswd')} } }
  oidc: { issuer_url: ${issuer.url}, issuer_ca_path: ${pki.ca}, audience: genrf-collector }
exporters:
  file: { path: ${traces}, flush_interval: 20ms }
service:
  extensions: [bearertokenauth, basicauth, oidc]
  telemetry: { metrics: { address: '' } }
  pipelines:
    traces: { receivers: [${MODES.map((m) => `otlp/${m}`).join(', ')}], exporters: [file] }
`,
    { dir, timeoutMs: 30_000 },
  );
  const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
  return {
    daemon,
    dir,
    traces,
    pki,
    client,
    ports,
    issuer,
    good: {
      tls: undefined,
      mtls: undefined,
      bearer: 'Bearer worker-token-5f2a9c',
      basic: basic('security-service', 'basic-pw-7d1e'),
      oidc: `Bearer ${await issuer.token('security-service', { exp: '1h' })}`,
    },
    bad: {
      tls: undefined,
      mtls: undefined,
      bearer: 'Bearer worker-token-guessed',
      basic: basic('security-service', 'wrong-pw'),
      oidc: `Bearer ${await issuer.token('security-service', { aud: 'another-service' })}`,
    },
    subject: { tls: undefined, mtls: undefined, bearer: 'security-service', basic: 'security-service', oidc: 'security-service' },
    async stop() {
      await daemon.stop();
      await issuer.stop();
    },
  };
}

// The cost of securing the OTLP receiver (issue 18): one daemon (a child process) with one
// OTLP/HTTP receiver per way of securing it (plain, TLS, mutual TLS, bearer token, basic auth,
// OIDC JWT, TLS + bearer) and gRPC plain / TLS / TLS + bearer, all into a cheap pipeline (the
// debug exporter, sampled away) so that the receiver's own cost shows. The modes are measured
// in short windows taken in turn, round after round, in the same run: the machine's load hits
// them alike. Each is reported as the median rate of its windows and as the daemon's CPU time
// per request (from /proc, summed over its windows: what neighbours on a shared machine disturb
// least), both as ratios to plain. The client runs on the same cores, so the throughput ratios
// include its own TLS work; the CPU figures are the daemon's alone. Also: new connections per
// second (a TLS handshake each) against plain, and how long a rotated certificate takes to
// reach new connections with reload_interval: 1s, measured while load flows.
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { hashSync } from 'bcryptjs';
import { encodeProto } from '../src/pdata/proto/index.ts';
import { TestPki } from '../test/helpers/certs.ts';
import { TestIssuer } from '../test/helpers/oidc-issuer.ts';
import { benchTraces } from './spans.ts';
import { freePort, spawnDaemon, stopDaemon, type Figure } from './util.ts';

const HTTP_MODES = ['plain', 'tls', 'mtls', 'bearer', 'basic', 'oidc', 'tls+bearer'] as const;
const GRPC_MODES = ['plain', 'tls', 'tls+bearer'] as const;
type HttpMode = (typeof HTTP_MODES)[number];
type GrpcMode = (typeof GRPC_MODES)[number];
const TRACES_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

interface Setup {
  pki: TestPki;
  issuer: TestIssuer;
  live: { cert: string; key: string };
  rotations: Array<{ certPem: Buffer; keyPem: Buffer }>;
  http: Record<HttpMode, number>;
  grpc: Record<GrpcMode, number>;
  header: Record<string, string | undefined>;
  clientCert: { cert: Buffer; key: Buffer };
}

async function setup(): Promise<{ s: Setup; config: string }> {
  const pki = new TestPki('genrf bench CA');
  const server = pki.server('daemon');
  const client = pki.client('worker', 'genrf-worker');
  const issuer = await new TestIssuer().start();
  const dir = pki.dir;
  await writeFile(join(dir, 'htpasswd'), `worker:${hashSync('basic-pw', 10)}\n`);
  const httpPorts = {} as Record<HttpMode, number>;
  for (const m of HTTP_MODES) httpPorts[m] = await freePort();
  const grpcPorts = {} as Record<GrpcMode, number>;
  for (const m of GRPC_MODES) grpcPorts[m] = await freePort();
  const tls = `{ cert_file: ${server.cert}, key_file: ${server.key}, reload_interval: 1s }`;
  const mtls = `{ cert_file: ${server.cert}, key_file: ${server.key}, client_ca_file: ${pki.ca} }`;
  const sec: Record<HttpMode, string> = {
    plain: '',
    tls: `, tls: ${tls}`,
    mtls: `, tls: ${mtls}`,
    bearer: ', auth: { authenticator: bearertokenauth }',
    basic: ', auth: { authenticator: basicauth }',
    oidc: ', auth: { authenticator: oidc }',
    'tls+bearer': `, tls: ${tls}, auth: { authenticator: bearertokenauth }`,
  };
  const receivers = [
    ...HTTP_MODES.map((m, i) => `  otlp/h${i}:\n    protocols:\n      http: { endpoint: 127.0.0.1:${httpPorts[m]}${sec[m]} }`),
    ...GRPC_MODES.map((m, i) => `  otlp/g${i}:\n    protocols:\n      grpc: { endpoint: 127.0.0.1:${grpcPorts[m]}${sec[m]} }`),
  ];
  const ids = [...HTTP_MODES.map((_, i) => `otlp/h${i}`), ...GRPC_MODES.map((_, i) => `otlp/g${i}`)];
  const config = join(dir, 'bench.yaml');
  await writeFile(
    config,
    `
receivers:
${receivers.join('\n')}
extensions:
  bearertokenauth: { token: bench-token-0123456789abcdef }
  basicauth: { htpasswd: { file: ${join(dir, 'htpasswd')} } }
  oidc: { issuer_url: ${issuer.url}, audience: genrf-collector }
exporters:
  debug: { verbosity: basic, sampling_initial: 0, sampling_thereafter: 1000000 }
service:
  extensions: [bearertokenauth, basicauth, oidc]
  telemetry: { metrics: { address: "" }, logs: { level: warn } }
  pipelines:
    traces: { receivers: [${ids.join(', ')}], exporters: [debug] }
`,
  );
  const bearer = 'Bearer bench-token-0123456789abcdef';
  return {
    config,
    s: {
      pki,
      issuer,
      live: server,
      http: httpPorts,
      grpc: grpcPorts,
      rotations: [pki.server('next1'), pki.server('next2'), pki.server('next3')],
      clientCert: { cert: client.certPem, key: client.keyPem },
      header: {
        bearer,
        'tls+bearer': bearer,
        basic: `Basic ${Buffer.from('worker:basic-pw').toString('base64')}`,
        oidc: `Bearer ${await issuer.token('worker', { exp: '1h' })}`,
      },
    },
  };
}

type Post = (body: Buffer) => Promise<number>;

function poster(s: Setup, mode: HttpMode, agent: http.Agent | false): Post {
  const secure = mode === 'tls' || mode === 'mtls' || mode === 'tls+bearer';
  const auth = s.header[mode];
  return (body) =>
    new Promise<number>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-protobuf', 'content-length': body.length };
      if (auth) headers.authorization = auth;
      const opts: https.RequestOptions = { host: '127.0.0.1', port: s.http[mode], path: '/v1/traces', method: 'POST', agent, headers };
      const done = (r: http.IncomingMessage) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      };
      const req = secure ? https.request({ ...opts, ca: s.pki.caPem, servername: 'localhost', ...(mode === 'mtls' ? s.clientCert : {}) }, done) : http.request(opts, done);
      req.on('error', reject);
      req.end(body);
    });
}

function grpcPoster(s: Setup, mode: GrpcMode): { post: Post; close: () => void } {
  const creds = mode === 'plain' ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(s.pki.caPem);
  const client = new grpc.Client(`127.0.0.1:${s.grpc[mode]}`, creds);
  const md = new grpc.Metadata();
  if (mode === 'tls+bearer') md.set('authorization', s.header[mode]!);
  const raw = (b: Buffer) => b;
  return {
    post: (body) => new Promise((resolve) => client.makeUnaryRequest(TRACES_EXPORT, raw, raw, body, md, (err) => resolve(err ? 500 : 200))),
    close: () => client.close(),
  };
}

/** Requests per second over `ms`, `concurrency` at a time; a non-200 answer fails the bench. */
async function window(post: Post, bodies: Buffer[], ms: number, concurrency: number): Promise<{ rate: number; requests: number }> {
  let n = 0;
  let k = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const status = await post(bodies[k++ % bodies.length]);
        if (status !== 200) throw new Error(`bench request answered ${status}`);
        n++;
      }
    }),
  );
  return { rate: n / ((performance.now() - started) / 1000), requests: n };
}

/** CPU time (user + system) the process has used, in clock ticks (1/100 s) from /proc. */
async function cpuTicks(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function waitUp(post: Post, body: Buffer, stderr: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await post(body)) === 200) return;
    } catch {
      /* not yet */
    }
    if (i > 400) throw new Error(`daemon did not start:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const serialOf = (pem: Buffer) => new X509Certificate(pem).serialNumber;

function peerSerial(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(c.getPeerX509Certificate()!.serialNumber);
      c.destroy();
    });
    c.on('error', reject);
  });
}

export async function runSecurityBench(opts: { windowMs?: number; rounds?: number; spansPerRequest?: number } = {}): Promise<Figure[]> {
  const windowMs = opts.windowMs ?? 300;
  const rounds = opts.rounds ?? 20;
  const perRequest = opts.spansPerRequest ?? 50;
  const concurrency = 8;
  const { s, config } = await setup();
  const { daemon, stderr } = spawnDaemon(config);
  const bodies = Array.from({ length: 16 }, (_, k) => Buffer.from(encodeProto('traces', benchTraces(perRequest, k * perRequest))));
  const agents: Record<HttpMode, http.Agent> = {} as Record<HttpMode, http.Agent>;
  const posts = {} as Record<HttpMode, Post>;
  for (const m of HTTP_MODES) {
    const secure = m === 'tls' || m === 'mtls' || m === 'tls+bearer';
    agents[m] = secure ? new https.Agent({ keepAlive: true, maxSockets: concurrency }) : new http.Agent({ keepAlive: true, maxSockets: concurrency });
    posts[m] = poster(s, m, agents[m]);
  }
  const grpcs = Object.fromEntries(GRPC_MODES.map((m) => [m, grpcPoster(s, m)])) as Record<GrpcMode, ReturnType<typeof grpcPoster>>;
  const fresh = { plain: poster(s, 'plain', false), tls: poster(s, 'tls', false) };
  try {
    for (const m of HTTP_MODES) await waitUp(posts[m], bodies[0], stderr);
    for (const m of GRPC_MODES) await waitUp(grpcs[m].post, bodies[0], stderr);
    // Per mode: the rate of each window, and the daemon's CPU time and requests summed over
    // its windows (CPU per request is what the machine's load disturbs least).
    const rate: Record<string, number[]> = {};
    const cpu: Record<string, { ticks: number; requests: number }> = {};
    const measure = async (k: string, run: () => Promise<{ rate: number; requests: number }>) => {
      const t0 = await cpuTicks(daemon.pid!);
      const w = await run();
      const c = (cpu[k] ??= { ticks: 0, requests: 0 });
      c.ticks += (await cpuTicks(daemon.pid!)) - t0;
      c.requests += w.requests;
      (rate[k] ??= []).push(w.rate);
    };
    // Warm-up round (JIT, connection pools, the bcrypt and JWKS caches), not counted.
    for (const m of HTTP_MODES) await window(posts[m], bodies, 300, concurrency);
    for (const m of GRPC_MODES) await window(grpcs[m].post, bodies, 300, concurrency);
    for (let r = 0; r < rounds; r++) {
      for (const m of HTTP_MODES) await measure(`http ${m}`, () => window(posts[m], bodies, windowMs, concurrency));
      for (const m of GRPC_MODES) await measure(`grpc ${m}`, () => window(grpcs[m].post, bodies, windowMs, concurrency));
      await measure('new plain', () => window(fresh.plain, bodies.slice(0, 1), windowMs, 4));
      await measure('new tls', () => window(fresh.tls, bodies.slice(0, 1), windowMs, 4));
    }
    // Certificate reload: rotate the TLS receiver's files (reload_interval 1s) while load flows;
    // the time until a new connection is shown the new certificate.
    let stop = false;
    let failed = 0;
    const load = Promise.all(
      [0, 1].map(async () => {
        while (!stop)
          await posts.tls(bodies[0]).then(
            (st) => {
              if (st !== 200) failed++;
            },
            () => {
              failed++;
            },
          );
      }),
    );
    const reloadMs: number[] = [];
    for (const next of s.rotations) {
      const t0 = performance.now();
      await writeFile(s.live.key, next.keyPem);
      await writeFile(s.live.cert, next.certPem);
      const want = serialOf(next.certPem);
      while ((await peerSerial(s.http.tls, s.pki.caPem).catch(() => '')) !== want) await new Promise((r) => setTimeout(r, 5));
      reloadMs.push(performance.now() - t0);
    }
    stop = true;
    await load;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      const h = v.length >> 1;
      return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
    };
    const m = (k: string) => median(rate[k]);
    // Daemon CPU per request, in microseconds (ticks are 10 ms).
    const us = (k: string) => (cpu[k].ticks * 10_000) / Math.max(1, cpu[k].requests);
    const spans = (k: string) => Math.round(m(k) * perRequest);
    const ratio = (k: string, base: string) => Number((m(k) / m(base)).toFixed(2));
    const cost = (k: string, base: string) => Number((us(k) / us(base)).toFixed(2));
    const figures: Figure[] = [];
    const row = (proto: string, mode: string, base: string) => ({
      name: `security: OTLP/${proto} ${mode}${proto === 'HTTP' ? ` (${perRequest} spans/request, keep-alive)` : ''}`,
      value: spans(`${proto.toLowerCase()} ${mode}`),
      unit:
        mode === 'plain'
          ? `spans/s; daemon CPU ${Math.round(us(base))} µs/request`
          : `spans/s (${ratio(`${proto.toLowerCase()} ${mode}`, base)} of plain); daemon CPU ${Math.round(us(`${proto.toLowerCase()} ${mode}`))} µs/request (${cost(`${proto.toLowerCase()} ${mode}`, base)} × plain)`,
    });
    for (const mode of HTTP_MODES) figures.push(row('HTTP', mode, 'http plain'));
    for (const mode of GRPC_MODES) figures.push(row('gRPC', mode, 'grpc plain'));
    figures.push(
      { name: 'security: OTLP/HTTP new connection per request, plain', value: Math.round(m('new plain')), unit: 'requests/s' },
      {
        name: 'security: OTLP/HTTP new connection per request, TLS 1.3',
        value: Math.round(m('new tls')),
        unit: `requests/s (${ratio('new tls', 'new plain')} of plain); daemon CPU ${Math.round(us('new tls'))} µs/request (${cost('new tls', 'new plain')} × plain)`,
      },
      { name: 'security: certificate rotation seen by new connections (reload_interval 1s), worst of 3', value: Math.round(Math.max(...reloadMs)), unit: `ms (mean ${Math.round(mean(reloadMs))} ms)` },
      { name: 'security: requests failed during the rotations (2 clients sending)', value: failed, unit: 'requests' },
    );
    return figures;
  } finally {
    for (const a of Object.values(agents)) a.destroy();
    for (const g of Object.values(grpcs)) g.close();
    await stopDaemon(daemon);
    await s.issuer.stop();
    s.pki.remove();
  }
}

if (import.meta.main) {
  for (const f of await runSecurityBench()) console.log(`${f.name}: ${f.value} ${f.unit}`);
}

// Issue #18 with the genRF workers' real SDK: the Python opentelemetry-exporter-otlp, over
// gRPC and HTTP/protobuf, against receivers secured by TLS, mutual TLS, a bearer token, basic
// auth and an OIDC JWT (scripts/services/up python-otel). Good credentials land with their
// auth.subject; missing or bad ones are refused (HTTP 401 / UNAUTHENTICATED), and nothing of
// theirs lands.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../e2e/helpers/daemon.ts';
import { allRecords, readJsonLines } from '../e2e/helpers/otlp.ts';
import { MODES, startSecureDaemon, type Mode, type SecureDaemon } from '../helpers/secure-daemon.ts';
import { describeService, requireService } from './helpers/services.ts';

const python = await requireService('python-otel');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// Reads cases (JSON on stdin), exports one span per case with a fresh exporter, and prints
// per case whether the SDK reported success and what its exporter logged.
const SCRIPT = `
import json, logging, sys
import grpc
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []
    def emit(self, record):
        self.lines.append(record.getMessage())
keep = Keep()
logging.getLogger("opentelemetry").addHandler(keep)
# The exporters drop a log line equal to the one before (DuplicateFilter): a missing and a bad
# credential fail with the same line, and each case must show its own.
import opentelemetry.exporter.otlp.proto.grpc.exporter as grpc_exporter_module
grpc_exporter_module.logger.filters.clear()

def read(path):
    with open(path, "rb") as f:
        return f.read()

out = []
tracer = TracerProvider(resource=Resource.create({"service.name": "genrf-worker"})).get_tracer("genrf.test")
for c in json.load(sys.stdin):
    keep.lines = []
    headers = {"authorization": c["authorization"]} if c.get("authorization") else None
    if c["transport"] == "grpc":
        creds = grpc.ssl_channel_credentials(
            root_certificates=read(c["ca"]) if c.get("ca") else None,
            private_key=read(c["key"]) if c.get("key") else None,
            certificate_chain=read(c["cert"]) if c.get("cert") else None)
        exporter = GrpcExporter(endpoint=c["endpoint"], credentials=creds, headers=headers, timeout=3)
    else:
        exporter = HttpExporter(endpoint=c["endpoint"], certificate_file=c.get("ca"), client_key_file=c.get("key"),
                                client_certificate_file=c.get("cert"), headers=headers, timeout=3)
    span = tracer.start_span(c["name"])
    span.end()
    result = exporter.export([span])
    exporter.shutdown()
    out.append({"name": c["name"], "ok": result == SpanExportResult.SUCCESS, "log": " | ".join(keep.lines)})
print(json.dumps(out))
`;

interface Case {
  transport: 'grpc' | 'http';
  endpoint: string;
  name: string;
  ca?: string;
  cert?: string;
  key?: string;
  authorization?: string;
}

let s: SecureDaemon;

describeService(python, 'Python SDK against secured receivers', (env) => {
  beforeAll(async () => {
    s = await startSecureDaemon();
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  async function run(cases: Case[]): Promise<Map<string, { ok: boolean; log: string }>> {
    // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (set on some machines) override the
    // exporter's certificate_file, which would make the test's CA untrusted over HTTP.
    const { REQUESTS_CA_BUNDLE: _r, CURL_CA_BUNDLE: _c, ...childEnv } = process.env;
    const child = execFile(env.OTEL_PYTHON!, ['-c', SCRIPT], { timeout: 90_000, env: childEnv });
    child.stdin!.end(JSON.stringify(cases));
    const [stdout] = await new Promise<[string, string]>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve([out, err]) : reject(new Error(`python exited ${code}:\n${err}`))));
    });
    return new Map((JSON.parse(stdout) as Array<{ name: string; ok: boolean; log: string }>).map((r) => [r.name, r]));
  }

  const endpoint = (t: 'grpc' | 'http', m: Mode) => (t === 'grpc' ? `https://127.0.0.1:${s.ports[m].grpc}` : `https://127.0.0.1:${s.ports[m].http}/v1/traces`);

  it('good credentials land on every mode and transport; the rest are refused with the right status', async () => {
    const cases: Case[] = [];
    const want = new Map<string, { ok: boolean; log?: RegExp; subject?: string }>();
    for (const t of ['grpc', 'http'] as const) {
      for (const m of MODES) {
        const base = { transport: t, endpoint: endpoint(t, m), ca: s.pki.ca };
        const cert = m === 'mtls' ? { cert: s.client.cert, key: s.client.key } : {};
        const good = `py-${t}-${m}-good`;
        cases.push({ ...base, ...cert, name: good, authorization: s.good[m] });
        want.set(good, { ok: true, subject: s.subject[m] });
        if (s.good[m] !== undefined) {
          const refused = t === 'grpc' ? /UNAUTHENTICATED/ : /401/;
          cases.push({ ...base, name: `py-${t}-${m}-missing` });
          cases.push({ ...base, name: `py-${t}-${m}-bad`, authorization: s.bad[m] });
          want.set(`py-${t}-${m}-missing`, { ok: false, log: refused });
          want.set(`py-${t}-${m}-bad`, { ok: false, log: refused });
        }
      }
      cases.push({ transport: t, endpoint: endpoint(t, 'mtls'), ca: s.pki.ca, name: `py-${t}-mtls-nocert` });
      want.set(`py-${t}-mtls-nocert`, { ok: false });
      cases.push({ transport: t, endpoint: endpoint(t, 'tls'), name: `py-${t}-tls-untrusted` });
      want.set(`py-${t}-tls-untrusted`, { ok: false });
    }
    const results = await run(cases);
    for (const [name, w] of want) {
      const r = results.get(name)!;
      expect(r.ok, `${name}: ${r.log}`).toBe(w.ok);
      if (w.log) expect(r.log, name).toMatch(w.log);
      if (w.log) expect(r.log, name).not.toMatch(/worker-token|basic-pw|wrong-pw/);
    }
    const good = [...want].filter(([, w]) => w.ok).map(([n]) => n);
    let spans: Json[] = [];
    await waitFor(async () => {
      spans = allRecords('traces', await readJsonLines(s.traces));
      return good.every((n) => spans.some((x) => x.name === n));
    }, 15_000);
    for (const [name, w] of want) {
      const found = spans.filter((x) => x.name === name);
      if (!w.ok) {
        expect(found, name).toEqual([]);
        continue;
      }
      expect(found, name).toHaveLength(1);
      expect(found[0].resource.attributes.find((a: Json) => a.key === 'auth.subject')?.value.stringValue, name).toBe(w.subject);
    }
  }, 120_000);
});

// Issue 13 with the genRF workers' real logging stack: the Python OpenTelemetry SDK and
// structlog (JSONRenderer, KeyValueRenderer, LogfmtRenderer) log through the OTel logging
// handler, and a genrf.security tracer records a span, all over OTLP/HTTP to the daemon with
// the shipped security routing. The security sink holds every record, and no secret; the
// application files hold no security record.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { allRecords, readJsonLines } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';

const python = await requireService('python-otel');

const SCRIPT = `
import json, logging, sys
import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

base, s = sys.argv[1], json.loads(sys.argv[2])
resource = Resource.create({"service.name": "genrf-worker"})
logs = LoggerProvider(resource=resource)
logs.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=base + "/v1/logs")))
handler = LoggingHandler(level=logging.INFO, logger_provider=logs)
tracing = TracerProvider(resource=resource)
tracing.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=base + "/v1/traces")))

renderers = {
    "json": structlog.processors.JSONRenderer(),
    "kv": structlog.processors.KeyValueRenderer(key_order=["event"]),
    "logfmt": structlog.processors.LogfmtRenderer(),
}
# Scope names as genRF's code spells them, and as a person reads them.
names = ["genrf.security.auth", "GENRF.Security", "genrf_security.audit", " genrf.security", "genrf.s\\u0435curity"]
n = 0
for rname, renderer in renderers.items():
    for name in names:
        std = logging.getLogger(name)
        std.handlers = [handler]
        std.setLevel(logging.INFO)
        std.propagate = False
        log = structlog.wrap_logger(std, processors=[structlog.processors.add_log_level, renderer])
        log.warning("login failed", user=s["email"], password=s["password"], api_key=s["api_key"], client_secret=s["secret"])
        log.warning("callback", url="https://app.genrf.example/cb?token=" + s["token"] + "&page=2#access_token=" + s["token2"])
        log.warning("headers", headers={"Authorization": "Basic " + s["basic"], "Cookie": "session=" + s["session"]})
        log.warning("card", card=s["card"], key_id=s["aws"].lower())
        n += 4
tracer = tracing.get_tracer("genrf.security.auth")
with tracer.start_as_current_span("login " + s["email"]) as span:
    span.set_attribute("user.password", s["password"])
    span.set_attribute("http.url", "https://app.genrf.example/cb?token=" + s["token"])
logs.shutdown()
tracing.shutdown()
print(json.dumps({"logs": n, "spans": 1}))
`;

let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.stop();
});

describeService(python, 'Python SDK + structlog: security records reach only the security sink, scrubbed', (env) => {
  it('holds no secret in security.jsonl and no security record elsewhere', async () => {
    const dir = await tempDir('genrf-pii-py-');
    const port = await freePort();
    const file = (n: string) => join(dir, n);
    daemon = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }
processors:
  redaction/pii: {}
exporters:
  file/app: { path: ${file('genrf.jsonl')}, flush_interval: 100ms }
  file/traces: { path: ${file('traces.jsonl')}, flush_interval: 100ms }
  file/security: { path: ${file('security.jsonl')}, flush_interval: 100ms }
connectors:
  routing/security:
    default_pipelines: [logs/app]
    table: [ { match: { scope_name_prefix: genrf.security }, pipelines: [logs/security] } ]
  routing/security_traces:
    default_pipelines: [traces/app]
    table: [ { match: { scope_name_prefix: genrf.security }, pipelines: [traces/security] } ]
service:
  telemetry: { metrics: { address: "" }, logs: { level: debug } }
  security:
    classify: { scope_name_prefix: [genrf.security] }
    sinks: [file/security]
    scrubbers: [redaction/pii]
    signals: [logs, traces]
  pipelines:
    logs: { receivers: [otlp], exporters: [routing/security] }
    logs/app: { receivers: [routing/security], exporters: [file/app] }
    logs/security: { receivers: [routing/security], processors: [redaction/pii], exporters: [file/security] }
    traces: { receivers: [otlp], exporters: [routing/security_traces] }
    traces/app: { receivers: [routing/security_traces], exporters: [file/traces] }
    traces/security: { receivers: [routing/security_traces], processors: [redaction/pii], exporters: [file/security] }
`,
      { dir },
    );
    const tag = randomBytes(4).toString('hex');
    const secrets = {
      email: `grace.${tag}@example.com`,
      password: `Pw-${tag}-x9!Q`,
      api_key: `ak${tag}Zz81Lq`,
      secret: `cs_${tag}_Yt5`,
      token: `tok${tag}Hh22`,
      token2: `at${tag}Kk33`,
      basic: Buffer.from(`grace:${tag}-basic`).toString('base64'),
      session: `sess${tag}Mm44`,
      card: '4000056655665556',
      aws: 'AKIAIOSFODNN7EXAMPLE',
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(env.OTEL_PYTHON!, ['-c', SCRIPT, `http://127.0.0.1:${port}`, JSON.stringify(secrets)], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    const sent = JSON.parse(stdout) as { logs: number; spans: number };
    let lines: unknown[] = [];
    await waitFor(async () => {
      lines = await readJsonLines(file('security.jsonl')).catch(() => []);
      return allRecords('logs', lines as never).length >= sent.logs && allRecords('traces', lines as never).length >= sent.spans;
    }, 30_000);
    const security = await readFile(file('security.jsonl'), 'utf8');
    const app = await readFile(file('genrf.jsonl'), 'utf8').catch(() => '');
    const traces = await readFile(file('traces.jsonl'), 'utf8').catch(() => '');
    const values = [...Object.values(secrets), secrets.aws.toLowerCase(), `${tag}-basic`];
    for (const v of values) {
      expect(security, `security.jsonl holds ${v}`).not.toContain(v);
      expect(daemon.stderr(), `the daemon log holds ${v}`).not.toContain(v);
    }
    expect(allRecords('logs', lines as never)).toHaveLength(sent.logs);
    expect(app).not.toContain(tag);
    expect(traces).not.toContain(tag);
  }, 120_000);
});

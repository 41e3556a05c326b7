// The five scenarios: for each, the two daemons' configs (as alike as the two allow), the
// load (telemetrygen arguments) and how delivered items are counted.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../util.ts';

export type Daemon = 'ours' | 'otelcol';

export interface Ports {
  grpc: number;
  http: number;
  metrics: number;
  sink: number;
  extra: number[];
}

export interface Scenario {
  id: number;
  name: string;
  /** telemetrygen invocations run side by side (each gets `--duration`). */
  load: (p: Ports) => string[][];
  /** `sink`: counted by the gRPC sink; `metrics`: the daemon's own otelcol_exporter_sent_* counters. */
  count: 'sink' | 'metrics';
  /** Latency probes, sent to the receiver during the load (only where the sink sees the output). */
  probe?: 'traces' | 'logs';
  config: (d: Daemon, p: Ports, dir: string) => string;
  /** Extra environment for the daemon. */
  env?: (dir: string) => Record<string, string>;
}

const BATCH = '{ send_batch_size: 8192, timeout: 200ms }';

/** Self-telemetry on a free port and quiet logs, both daemons. */
function telemetry(d: Daemon, p: Ports): string {
  return d === 'ours'
    ? `  telemetry: { logs: { level: warn }, metrics: { address: 127.0.0.1:${p.metrics} } }`
    : `  telemetry:
    logs: { level: warn }
    metrics:
      level: normal
      readers: [{ pull: { exporter: { prometheus: { host: 127.0.0.1, port: ${p.metrics} } } } }]`;
}

/** OTLP/gRPC to the sink, uncompressed on both sides (the comparison is of the pipeline, not of gzip). */
function sinkExporter(d: Daemon, p: Ports): string {
  return d === 'ours' ? `  otlp: { endpoint: http://127.0.0.1:${p.sink}, compression: none }` : `  otlp: { endpoint: 127.0.0.1:${p.sink}, tls: { insecure: true }, compression: none }`;
}

function tg(signal: 'traces' | 'logs', p: Ports, args: string[], http = false): string[] {
  return [signal, '--otlp-endpoint', `127.0.0.1:${http ? p.http : p.grpc}`, '--otlp-insecure', ...(http ? ['--otlp-http'] : []), '--batch-size', '512', '--allow-export-failures', ...args];
}

// Redaction: our detectors and contrib's blocked_values, the same seven kinds of PII.
const OUR_DETECTORS = ['email', 'credit_card', 'ipv4', 'us_ssn', 'jwt', 'aws_access_key_id', 'auth_header'];
const ALL_DETECTORS = [
  'pem_private_key',
  'jwt',
  'url_password',
  'auth_header',
  'aws_access_key_id',
  'aws_secret_key',
  'github_token',
  'slack_token',
  'stripe_key',
  'email',
  'iban',
  'credit_card',
  'us_ssn',
  'ipv6',
  'ipv4',
  'phone',
];
const CONTRIB_BLOCKED = [
  String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
  String.raw`\b(?:\d[ -]?){12,18}\d\b`,
  String.raw`\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b`,
  String.raw`\b\d{3}-\d{2}-\d{4}\b`,
  String.raw`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`,
  String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`,
  String.raw`(?i)(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]+`,
];
function redaction(d: Daemon, name: string): string {
  if (d === 'ours') {
    const off = ALL_DETECTORS.filter((n) => !OUR_DETECTORS.includes(n))
      .map((n) => `${n}: { enabled: false }`)
      .join(', ');
    return `  ${name}: { sensitive_keys: [], detectors: { ${off} } }`;
  }
  return `  ${name}:\n    allow_all_keys: true\n    summary: silent\n    blocked_values:\n${CONTRIB_BLOCKED.map((r) => `      - '${r}'`).join('\n')}`;
}

/** A log line with PII in the body and in one attribute; the rest is ordinary text. */
const LOG_BODY = 'POST /api/v1/designs/42/simulate 202 user=alice.smith@example.com client=10.20.30.40 took=12ms run=7f3a';

function traces(p: Ports, rate: number, workers: number, http = false): string[] {
  return tg('traces', p, ['--workers', String(workers), '--rate', String(rate), '--child-spans', '1'], http);
}

export const SCENARIOS: Scenario[] = [
  {
    id: 1,
    name: 'traces OTLP/gRPC → batch → OTLP/gRPC, unthrottled (2 generator workers)',
    load: (p) => [traces(p, 0, 2)],
    count: 'sink',
    probe: 'traces',
    config: (d, p) => `receivers:
  otlp: { protocols: { grpc: { endpoint: 127.0.0.1:${p.grpc} } } }
processors:
  batch: ${BATCH}
exporters:
${sinkExporter(d, p)}
service:
${telemetry(d, p)}
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [otlp] }
`,
  },
  {
    id: 2,
    name: 'the same at a fixed rate (10,000 spans/s asked: 40 workers × 250/s)',
    // telemetrygen's limiter (burst 1) sleeps per span; on a loaded machine one worker at
    // 10,000/s oversleeps to ~1,500/s, so 40 workers share the rate.
    load: (p) => [traces(p, 250, 40)],
    count: 'sink',
    probe: 'traces',
    config: (d, p, dir) => SCENARIOS[0].config(d, p, dir),
  },
  {
    id: 3,
    name: 'traces OTLP/HTTP protobuf → batch → file, unthrottled',
    load: (p) => [traces(p, 0, 2, true)],
    count: 'metrics',
    config: (d, p, dir) => `receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${p.http} } } }
processors:
  batch: ${BATCH}
exporters:
  file: { path: ${join(dir, 'traces.jsonl')}${d === 'otelcol' ? ', format: json' : ''} }
service:
${telemetry(d, p)}
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
  },
  {
    id: 4,
    name: 'logs with PII redaction (7 detectors) → batch → OTLP/gRPC, unthrottled',
    load: (p) => [tg('logs', p, ['--workers', '2', '--rate', '0', '--body', LOG_BODY, '--telemetry-attributes', 'user.contact="bob@example.org"'])],
    count: 'sink',
    probe: 'logs',
    config: (d, p) => `receivers:
  otlp: { protocols: { grpc: { endpoint: 127.0.0.1:${p.grpc} } } }
processors:
${redaction(d, 'redaction')}
  batch: ${BATCH}
exporters:
${sinkExporter(d, p)}
service:
${telemetry(d, p)}
  pipelines:
    logs: { receivers: [otlp], processors: [redaction, batch], exporters: [otlp] }
`,
  },
  {
    id: 5,
    name: 'pipelines/default.yaml as shipped vs the nearest otelcol config (traces and logs, 5,000/s each asked)',
    load: (p) => [traces(p, 500, 10), tg('logs', p, ['--workers', '10', '--rate', '500', '--body', LOG_BODY])],
    count: 'metrics',
    env: (dir) => ({ GENRF_DATA_DIR: dir, GENRF_ENV: 'bench' }),
    config: (d, p, dir) => (d === 'ours' ? defaultYaml(p) : defaultEquivalent(p, dir)),
  },
];

/** pipelines/default.yaml as shipped, on free ports (the machine is shared). */
function defaultYaml(p: Ports): string {
  const ports: Record<string, number> = { 4317: p.grpc, 4318: p.http, 8888: p.metrics, 8889: p.extra[0], 13133: p.extra[1] };
  return readFileSync(join(ROOT, 'pipelines/default.yaml'), 'utf8').replace(/127\.0\.0\.1:(4317|4318|8888|8889|13133)\b/g, (_, port: string) => `127.0.0.1:${ports[port]}`);
}

/**
 * The nearest otelcol config: resourcedetection [env, system] becomes the resource processor
 * setting the same attributes (detection runs once at start; per item both only add
 * attributes); the routing connector (not served at this release) becomes two log pipelines
 * with opposite filters; the file exporters rotate alike. The Prometheus exporter gets no
 * load (the scenario sends no metrics) and is left out.
 */
function defaultEquivalent(p: Ports, dir: string): string {
  const rot = '{ max_megabytes: 10, max_backups: 5 }';
  const sec = String.raw`IsMatch(instrumentation_scope.name, "^genrf\\.security")`;
  return `receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${p.grpc} }
      http: { endpoint: 127.0.0.1:${p.http} }
processors:
  memory_limiter: { check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 20 }
  resource/env:
    attributes:
      - { key: host.name, value: "${hostname()}", action: upsert }
      - { key: os.type, value: linux, action: upsert }
      - { key: deployment.environment, value: bench, action: upsert }
  filter/app: { logs: { log_record: ['${sec}'] } }
  filter/security: { logs: { log_record: ['not ${sec}'] } }
${redaction('otelcol', 'redaction/pii')}
  batch: ${BATCH}
exporters:
  file/traces: { path: ${join(dir, 'traces.jsonl')}, rotation: ${rot} }
  file/metrics: { path: ${join(dir, 'metrics.jsonl')}, rotation: ${rot} }
  file/app: { path: ${join(dir, 'genrf.jsonl')}, rotation: ${rot} }
  file/security: { path: ${join(dir, 'security.jsonl')}, rotation: ${rot} }
service:
${telemetry('otelcol', p)}
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter, resource/env, batch], exporters: [file/traces] }
    metrics: { receivers: [otlp], processors: [memory_limiter, resource/env, batch], exporters: [file/metrics] }
    logs/app: { receivers: [otlp], processors: [memory_limiter, resource/env, filter/app, batch], exporters: [file/app] }
    logs/security: { receivers: [otlp], processors: [memory_limiter, resource/env, filter/security, redaction/pii], exporters: [file/security] }
`;
}

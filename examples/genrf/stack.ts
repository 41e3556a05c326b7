// The genRF stack on one machine, for `npm run demo` and the services tests: the daemon on
// pipelines/genrf.yaml (and optionally an edge daemon on pipelines/edge.yaml in front of
// Kafka), the workload emulator, and the questions asked of Jaeger, Prometheus and
// Elasticsearch afterwards. Endpoints of the real services come from .services.env
// (scripts/services/up writes it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EMULATOR = join(ROOT, 'examples/genrf/emulate.py');

/** KEY=value lines of .services.env ({} when it does not exist). */
export function readServicesEnv(file = join(ROOT, '.services.env')): Record<string, string> {
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

export interface Ports {
  grpc: number;
  http: number;
  prometheus: number;
  health: number;
  metrics: number;
}

export interface RunningDaemon {
  proc: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Runs `genrf-collector run --config <file>` with `env`; resolves once it is running. */
export async function runDaemon(config: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningDaemon> {
  const proc = spawn(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'run', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const deadline = Date.now() + timeoutMs;
  while (!err.includes('the daemon is running')) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`genrf-collector on ${config} did not start:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** The environment pipelines/genrf.yaml reads (see its header), from the services and ports. */
export function genrfEnv(services: Record<string, string>, o: { ports: Ports; dataDir: string; environment: string; group: string; topicSuffix?: string }): Record<string, string> {
  const sfx = o.topicSuffix ?? '';
  return {
    KAFKA_BROKERS: services.KAFKA_BROKERS ?? '127.0.0.1:9092',
    ELASTICSEARCH_URL: services.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
    JAEGER_OTLP_GRPC_ENDPOINT: services.JAEGER_OTLP_GRPC_ENDPOINT ?? 'http://127.0.0.1:14317',
    GENRF_ENV: o.environment,
    GENRF_DATA_DIR: o.dataDir,
    GENRF_KAFKA_GROUP: o.group,
    GENRF_KAFKA_LOGS_TOPIC: `genrf-logs${sfx}`,
    GENRF_KAFKA_TRACES_TOPIC: `genrf-traces${sfx}`,
    GENRF_KAFKA_METRICS_TOPIC: `genrf-metrics${sfx}`,
    GENRF_OTLP_GRPC_ENDPOINT: `127.0.0.1:${o.ports.grpc}`,
    GENRF_OTLP_HTTP_ENDPOINT: `127.0.0.1:${o.ports.http}`,
    GENRF_PROMETHEUS_ENDPOINT: `127.0.0.1:${o.ports.prometheus}`,
    GENRF_HEALTH_ENDPOINT: `127.0.0.1:${o.ports.health}`,
    GENRF_METRICS_ADDRESS: `127.0.0.1:${o.ports.metrics}`,
  };
}

export interface EmulatorSummary {
  seed: number;
  workers: Array<Record<string, number | string>>;
  total: { circuits: number; failed: number; slow: number; spans: number; logs: number; security_logs: number; convergence_failures: number; exports: number };
}

/** Runs the emulator to its end; resolves with its summary (rejects with its stderr on failure). */
export function runEmulator(python: string, args: string[], timeoutMs = 120_000): Promise<EmulatorSummary> {
  return new Promise((resolveRun, reject) => {
    const proc = spawn(python, [EMULATOR, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolveRun(JSON.parse(last) as EmulatorSummary);
      else reject(new Error(`emulator exited with ${code}:\n${err.slice(-4000)}`));
    });
  });
}

/** Makes the services' Prometheus scrape 127.0.0.1:port (file_sd in PROMETHEUS_TARGETS_DIR). */
export async function addScrapeTarget(targetsDir: string, job: string, port: number): Promise<string> {
  const file = join(targetsDir, `${job}.json`);
  await writeFile(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { job } }]));
  return file;
}

// ---- what the backends hold ------------------------------------------------------------

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function getJson(url: string, init?: RequestInit): Promise<Json> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text === '' ? {} : JSON.parse(text);
}

/** Jaeger's traces of `service` whose root is `operation` (v1 query API). */
export async function jaegerTraces(queryUrl: string, service: string, operation = 'generate_circuit', limit = 2000): Promise<Json[]> {
  const params = new URLSearchParams({ service, operation, limit: String(limit), lookback: '1h' });
  return (await getJson(`${queryUrl}/api/traces?${params}`)).data ?? [];
}

/** An instant PromQL query; throws with Prometheus's error. */
export async function promQuery(url: string, query: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const params = new URLSearchParams({ query });
  if (time !== undefined) params.set('time', String(time));
  const body = await getJson(`${url}/api/v1/query?${params}`);
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

/** Documents of `index` matching the Lucene `query` (0 when the index does not exist yet). */
export async function esCount(url: string, index: string, query: string): Promise<number> {
  try {
    await getJson(`${url}/${index}/_refresh`, { method: 'POST' });
    const body = await getJson(`${url}/${index}/_count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { query_string: { query } } }),
    });
    return body.count as number;
  } catch (err) {
    if (/HTTP 404/.test((err as Error).message)) return 0;
    throw err;
  }
}

/** Waits until `fn` returns a value other than undefined; throws with `what` after timeoutMs. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

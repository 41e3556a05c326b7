// Shared logic for tests that run against the real services started by
// `scripts/services/up` (Kafka, Elasticsearch, Jaeger, Prometheus, the Python SDK).
//
//   const kafka = await requireService('kafka');
//   describeService(kafka, 'kafka: produce and consume', (env) => {
//     it('...', async () => { env.KAFKA_BROKERS ... });
//   });
//
// The endpoints come from `.services.env` at the repository root (or the file named by
// GENRF_SERVICES_ENV_FILE). When a service is missing from it or does not answer, its
// tests are skipped and the reason is in the suite's title; with REQUIRE_SERVICES=1 a
// missing service is a failing test instead.
import { existsSync, readFileSync, accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export type ServiceName = 'kafka' | 'kafka-sasl' | 'elasticsearch' | 'jaeger' | 'prometheus' | 'python-otel';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The keys of `.services.env` that each service must provide. */
export const SERVICE_KEYS: Record<ServiceName, string[]> = {
  kafka: ['KAFKA_BROKERS'],
  /** The same broker's SASL_SSL listener (scripts/services/lib/kafka.sh). */
  'kafka-sasl': ['KAFKA_SASL_SSL_BROKERS', 'KAFKA_TLS_CA_FILE', 'KAFKA_SASL_PLAIN_USER', 'KAFKA_SASL_PLAIN_PASSWORD', 'KAFKA_SASL_SCRAM_USER', 'KAFKA_SASL_SCRAM_PASSWORD'],
  elasticsearch: ['ELASTICSEARCH_URL'],
  jaeger: ['JAEGER_OTLP_GRPC_ENDPOINT', 'JAEGER_OTLP_HTTP_ENDPOINT', 'JAEGER_QUERY_URL'],
  prometheus: ['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR', 'PROMTOOL'],
  'python-otel': ['OTEL_PYTHON'],
};

export interface ServiceCheck {
  name: ServiceName;
  ok: boolean;
  /** Why the service is not usable (empty when ok). */
  reason: string;
  env: Record<string, string>;
}

export function servicesEnvFile(): string {
  return process.env.GENRF_SERVICES_ENV_FILE ?? resolve(REPO_ROOT, '.services.env');
}

/** Parses `.services.env` (KEY=value lines, # comments); {} when it does not exist. */
export function servicesEnv(file = servicesEnvFile()): Record<string, string> {
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

export function servicesRequired(): boolean {
  return ['1', 'true', 'yes'].includes((process.env.REQUIRE_SERVICES ?? '').toLowerCase());
}

/** Resolves when something accepts TCP connections at host:port (false after timeoutMs). */
export function tcpReachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function hostPort(value: string): [string, number] | undefined {
  try {
    const u = new URL(value.includes('://') ? value : `tcp://${value}`);
    return [u.hostname.replace(/^\[|\]$/g, ''), Number(u.port)];
  } catch {
    return undefined;
  }
}

/** Checks that `.services.env` names the service and that it answers. */
export async function requireService(name: ServiceName): Promise<ServiceCheck> {
  const file = servicesEnvFile();
  const env = servicesEnv(file);
  const upName = name === 'kafka-sasl' ? 'kafka' : name;
  const fail = (reason: string): ServiceCheck => ({ name, ok: false, reason, env });
  if (!existsSync(file)) return fail(`${file} not found: run scripts/services/up ${upName}`);
  const missing = SERVICE_KEYS[name].filter((k) => !env[k]);
  if (missing.length) return fail(`${missing.join(', ')} not in ${file}: run scripts/services/up ${upName}`);
  if (name === 'python-otel') {
    try {
      accessSync(env.OTEL_PYTHON!, constants.X_OK);
    } catch {
      return fail(`OTEL_PYTHON=${env.OTEL_PYTHON} is not an executable: run scripts/services/up python-otel`);
    }
    return { name, ok: true, reason: '', env };
  }
  for (const key of SERVICE_KEYS[name]) {
    const value = env[key]!;
    if (key.endsWith('_DIR') || key === 'PROMTOOL' || key.endsWith('_FILE') || /_(USER|PASSWORD)$/.test(key)) continue;
    for (const endpoint of value.split(',')) {
      const hp = hostPort(endpoint.trim());
      if (!hp?.[1]) return fail(`${key}=${value} is not host:port or a URL with a port`);
      if (!(await tcpReachable(hp[0], hp[1]))) {
        return fail(`${key}=${value} does not answer: run scripts/services/up ${upName}`);
      }
    }
  }
  return { name, ok: true, reason: '', env };
}

/**
 * A describe block that runs when the service is up, is skipped with the reason in its
 * title when it is not, and fails when it is not and REQUIRE_SERVICES=1.
 */
export function describeService(check: ServiceCheck, title: string, body: (env: Record<string, string>) => void): void {
  if (check.ok) {
    describe(title, () => body(check.env));
  } else if (servicesRequired()) {
    describe(title, () => {
      it(`${check.name} is up (REQUIRE_SERVICES=1)`, () => {
        throw new Error(`service ${check.name} is required but not available: ${check.reason}`);
      });
    });
  } else {
    console.warn(`[services] skipping "${title}": ${check.reason}`);
    describe.skip(`${title} [skipped: ${check.reason}]`, () => {
      it('needs the real service', () => {});
    });
  }
}

/** Polls fn until it returns a value other than undefined, or throws after timeoutMs. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

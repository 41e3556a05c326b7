// docker-compose.yml (for users; no Docker engine runs here) must name the same versions
// and ports as scripts/services/versions.env, which tests and CI run for real.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string) => readFileSync(resolve(root, p), 'utf8');

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

interface Service {
  image?: string;
  build?: unknown;
  network_mode?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

const v = parseEnvFile(read('scripts/services/versions.env'));
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const svc = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

describe('docker-compose.yml agrees with scripts/services/versions.env', () => {
  it('versions.env names every version and port', () => {
    for (const key of [
      'KAFKA_VERSION',
      'KAFKA_PORT',
      'KAFKA_CONTROLLER_PORT',
      'KAFKA_SASL_SSL_PORT',
      'ELASTICSEARCH_VERSION',
      'ELASTICSEARCH_PORT',
      'ELASTICSEARCH_TRANSPORT_PORT',
      'JAEGER_VERSION',
      'JAEGER_GO_VERSION',
      'JAEGER_OTLP_GRPC_PORT',
      'JAEGER_OTLP_HTTP_PORT',
      'JAEGER_QUERY_PORT',
      'PROMETHEUS_VERSION',
      'PROMETHEUS_PORT',
      'GRAFANA_VERSION',
      'GRAFANA_PORT',
      'OTEL_PYTHON_SDK_VERSION',
      'OTEL_PYTHON_EXPORTER_OTLP_VERSION',
      'STRUCTLOG_VERSION',
    ]) {
      expect(v[key], key).toMatch(/\S/);
    }
    expect(v.KAFKA_VERSION).toMatch(/^4\./);
    expect([v.JAEGER_OTLP_GRPC_PORT, v.JAEGER_OTLP_HTTP_PORT]).toEqual(['14317', '14318']);
  });

  it('has the daemon (built from the Dockerfile) and the five other services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['collector', 'elasticsearch', 'grafana', 'jaeger', 'kafka', 'kafka-users', 'prometheus'].sort());
    expect(svc('collector').build).toBe('.');
    expect(existsSync(resolve(root, 'Dockerfile'))).toBe(true);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.network_mode, `${name} uses the host network (everything on 127.0.0.1)`).toBe('host');
    }
  });

  it('images carry the versions of versions.env', () => {
    expect(svc('kafka').image).toBe(`${v.KAFKA_IMAGE}:${v.KAFKA_VERSION}`);
    expect(svc('elasticsearch').image).toBe(`${v.ELASTICSEARCH_IMAGE}:${v.ELASTICSEARCH_VERSION}`);
    expect(svc('jaeger').image).toBe(`${v.JAEGER_IMAGE}:${v.JAEGER_VERSION}`);
    expect(svc('prometheus').image).toBe(`${v.PROMETHEUS_IMAGE}:v${v.PROMETHEUS_VERSION}`);
    expect(svc('grafana').image).toBe(`${v.GRAFANA_IMAGE}:${v.GRAFANA_VERSION}`);
  });

  it('the harness builds and resolves those same versions', () => {
    expect(v.PROMETHEUS_DEB_VERSION!.startsWith(`${v.PROMETHEUS_VERSION}+`)).toBe(true);
    expect(read('scripts/services/jaeger/go.mod')).toContain(`github.com/jaegertracing/jaeger ${v.JAEGER_GO_VERSION}`);
    expect(read('scripts/services/kafka/pom.xml')).toContain(`<kafka.version>${v.KAFKA_VERSION}</kafka.version>`);
  });

  it('Kafka listens on the same loopback ports', () => {
    const env = svc('kafka').environment!;
    expect(env.KAFKA_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${v.KAFKA_PORT},CONTROLLER://127.0.0.1:${v.KAFKA_CONTROLLER_PORT},SECURE://127.0.0.1:${v.KAFKA_SASL_SSL_PORT}`);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://127.0.0.1:${v.KAFKA_PORT},SECURE://127.0.0.1:${v.KAFKA_SASL_SSL_PORT}`);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`1@127.0.0.1:${v.KAFKA_CONTROLLER_PORT}`);
  });

  it("Kafka's SASL_SSL listener has the harness's mechanisms, keystore and users", () => {
    const env = svc('kafka').environment!;
    const harness = read('scripts/services/lib/kafka.sh');
    expect(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toContain('SECURE:SASL_SSL');
    expect(harness).toContain(`listener.security.protocol.map=${env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP}`);
    expect(harness).toContain(`sasl.enabled.mechanisms=${env.KAFKA_SASL_ENABLED_MECHANISMS}`);
    expect(env.KAFKA_LISTENER_NAME_SECURE_SSL_KEYSTORE_TYPE).toBe('PEM');
    expect(svc('kafka').volumes).toContain('./.kafka-tls:/etc/kafka/tls:ro');
    for (const user of ['genrf-plain', 'genrf-scram']) expect(harness).toContain(`_USER=${user}`);
    expect(env.KAFKA_LISTENER_NAME_SECURE_PLAIN_SASL_JAAS_CONFIG).toContain('user_genrf-plain="genrf-plain-secret"');
    expect(svc('kafka-users').command!.join(' ')).toContain('--entity-name genrf-scram --add-config SCRAM-SHA-512=[password=genrf-scram-secret]');
  });

  it('Elasticsearch listens on the same loopback ports, single node, security off', () => {
    const env = svc('elasticsearch').environment!;
    expect(env['network.host']).toBe('127.0.0.1');
    expect(env['http.port']).toBe(v.ELASTICSEARCH_PORT);
    expect(env['transport.port']).toBe(v.ELASTICSEARCH_TRANSPORT_PORT);
    expect(env['discovery.type']).toBe('single-node');
    expect(env['xpack.security.enabled']).toBe('false');
  });

  it('Jaeger runs the harness config with the same ports', () => {
    const j = svc('jaeger');
    for (const key of ['JAEGER_OTLP_GRPC_PORT', 'JAEGER_OTLP_HTTP_PORT', 'JAEGER_QUERY_PORT', 'JAEGER_QUERY_GRPC_PORT', 'JAEGER_HEALTH_PORT', 'JAEGER_METRICS_PORT']) {
      expect(j.environment![key], key).toBe(v[key]);
    }
    expect(j.volumes).toContain('./scripts/services/jaeger/config.yaml:/etc/jaeger/config.yaml:ro');
    const config = read('scripts/services/jaeger/config.yaml');
    expect(config).toContain('memory:');
    expect(config).not.toMatch(/0\.0\.0\.0|localhost/);
  });

  it("Prometheus listens on the same port and scrapes both of the daemon's metrics endpoints", () => {
    const cmd = svc('prometheus').command!;
    expect(cmd).toContain(`--web.listen-address=127.0.0.1:${v.PROMETHEUS_PORT}`);
    expect(cmd).toContain('--web.enable-lifecycle');
    expect(cmd).toContain('--web.enable-remote-write-receiver');
    const prom = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { static_configs?: { targets: string[] }[] }[];
    };
    const targets = prom.scrape_configs.flatMap((s) => (s.static_configs ?? []).flatMap((c) => c.targets));
    expect(targets).toEqual(expect.arrayContaining(['127.0.0.1:8888', '127.0.0.1:8889']));
  });

  // promtool comes with the prometheus service (scripts/services/up); CI always has it.
  const strict = process.env.REQUIRE_SERVICES === '1' || process.env.CI === 'true';
  it.skipIf(!existsSync('/usr/bin/promtool') && !strict)('promtool accepts deploy/prometheus/prometheus.yml', () => {
    execFileSync('/usr/bin/promtool', ['check', 'config', resolve(root, 'deploy/prometheus/prometheus.yml')], {
      stdio: 'pipe',
    });
  });

  it('Grafana has Prometheus, Elasticsearch and Jaeger as data sources on the same ports', () => {
    const g = svc('grafana');
    expect(g.environment!.GF_SERVER_HTTP_ADDR).toBe('127.0.0.1');
    expect(g.environment!.GF_SERVER_HTTP_PORT).toBe(v.GRAFANA_PORT);
    const ds = parse(read('deploy/grafana/provisioning/datasources/datasources.yaml')) as {
      datasources: { type: string; url: string }[];
    };
    const urls = Object.fromEntries(ds.datasources.map((d) => [d.type, d.url]));
    expect(urls).toEqual({
      prometheus: `http://127.0.0.1:${v.PROMETHEUS_PORT}`,
      elasticsearch: `http://127.0.0.1:${v.ELASTICSEARCH_PORT}`,
      jaeger: `http://127.0.0.1:${v.JAEGER_QUERY_PORT}`,
    });
  });
});

// Issue #14: pipelines/genrf.yaml itself, with the real services, fed by the genRF workload
// emulator (examples/genrf: the real Python SDK and structlog) over OTLP/gRPC and OTLP/HTTP,
// and through an edge daemon (pipelines/edge.yaml) and Kafka, on topics that do not exist when
// the daemon starts (a fresh broker). Then, for every worker:
//   - the guide's trace tree in Jaeger (generate_circuit with its three children), every trace;
//   - the guide's metrics on the prometheus exporter (:8889) and in Prometheus, counts exact;
//   - the guide's four log queries in Elasticsearch, and every record there;
//   - no PII in Elasticsearch, in Jaeger or in the files (the security logs arrive, scrubbed).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addScrapeTarget, esCount, genrfEnv, jaegerTraces, promQuery, runDaemon, runEmulator, until, type EmulatorSummary, type Ports, type RunningDaemon } from '../../examples/genrf/stack.ts';
import { freePort, tempDir } from '../e2e/helpers/daemon.ts';
import { metricValue, scrape } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { METRICS, prometheusName } from '../../scripts/genrf-metrics.ts';
import { runId } from './kafka-helpers.ts';

const checks = await Promise.all((['kafka', 'elasticsearch', 'jaeger', 'prometheus', 'python-otel'] as const).map((s) => requireService(s)));
const all = checks.find((c) => !c.ok) ?? checks[0];

/** What the emulator puts in genrf.security* logs, and nothing may store. */
const PII = /genrf-users\.example|203\.0\.113\.\d|eyJhbGciOiJIUzI1NiJ9\.eyJzdWIi/;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describeService(all, 'pipelines/genrf.yaml end to end (emulator over gRPC, HTTP and Kafka; real Jaeger, Prometheus, Elasticsearch)', (env) => {
  const run = runId().replace(/-/g, '');
  const environment = `e2e${run}`;
  const service = `genrf-worker-${run}`;
  const job = `genrf-pipeline-${run}`;
  const daemons: RunningDaemon[] = [];
  let ports: Ports;
  let dataDir = '';
  let target = '';
  let direct: EmulatorSummary;
  let viaKafka: EmulatorSummary;
  let healthAtStart: { code: number; body: Json };

  beforeAll(async () => {
    dataDir = await tempDir('genrf-pipeline-');
    ports = { grpc: await freePort(), http: await freePort(), prometheus: await freePort(), health: await freePort(), metrics: await freePort() };
    const genrf = genrfEnv(env, { ports, dataDir, environment, group: `genrf-${run}`, topicSuffix: `-${run}` });
    daemons.push(await runDaemon('pipelines/genrf.yaml', genrf));
    // The topics do not exist yet: the daemon is up, and ready, and waits for them.
    healthAtStart = await until(
      '/health to show the kafka wait',
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.health}/health`);
        const body = (await res.json()) as Json;
        return String(body.checks['receiver/kafka']).startsWith('waiting') ? { code: res.status, body } : undefined;
      },
      20_000,
      200,
    );
    target = await addScrapeTarget(env.PROMETHEUS_TARGETS_DIR!, job, ports.prometheus);

    // The edge daemon takes OTLP next to its workers and writes to Kafka (creating the topics).
    const edge = { grpc: await freePort(), http: await freePort(), health: await freePort(), metrics: await freePort() };
    daemons.push(
      await runDaemon('pipelines/edge.yaml', {
        KAFKA_BROKERS: env.KAFKA_BROKERS!,
        GENRF_KAFKA_LOGS_TOPIC: genrf.GENRF_KAFKA_LOGS_TOPIC,
        GENRF_KAFKA_TRACES_TOPIC: genrf.GENRF_KAFKA_TRACES_TOPIC,
        GENRF_KAFKA_METRICS_TOPIC: genrf.GENRF_KAFKA_METRICS_TOPIC,
        GENRF_OTLP_GRPC_ENDPOINT: `127.0.0.1:${edge.grpc}`,
        GENRF_OTLP_HTTP_ENDPOINT: `127.0.0.1:${edge.http}`,
        GENRF_HEALTH_ENDPOINT: `127.0.0.1:${edge.health}`,
        GENRF_METRICS_ADDRESS: `127.0.0.1:${edge.metrics}`,
      }),
    );

    const common = ['--service-name', service, '--duration', '8', '--failure-rate', '0.3', '--slow-rate', '0.1', '--export-interval', '500'];
    [direct, viaKafka] = await Promise.all([
      runEmulator(env.OTEL_PYTHON!, [
        ...common,
        '--workers',
        '2',
        '--rate',
        '5',
        '--protocol',
        'mixed',
        '--seed',
        '14',
        '--grpc-endpoint',
        `127.0.0.1:${ports.grpc}`,
        '--http-endpoint',
        `127.0.0.1:${ports.http}`,
        '--instance-prefix',
        'direct',
      ]),
      runEmulator(env.OTEL_PYTHON!, [...common, '--workers', '1', '--rate', '2', '--protocol', 'grpc', '--seed', '41', '--grpc-endpoint', `127.0.0.1:${edge.grpc}`, '--instance-prefix', 'kafka']),
    ]);
  }, 150_000);

  afterAll(async () => {
    if (target) await rm(target, { force: true });
    await Promise.all(daemons.map((d) => d.stop()));
  });

  const circuits = () => direct.total.circuits + viaKafka.total.circuits;

  it('starts ready on a broker without its topics: /health 200, the kafka receiver waiting', () => {
    expect(healthAtStart.code).toBe(200);
    expect(healthAtStart.body.status).toBe('healthy');
    expect(healthAtStart.body.checks['receiver/kafka']).toMatch(/^waiting: topic genrf-\w+-\w+.* does not exist yet/);
    expect(direct.workers.map((w) => w.protocol).sort()).toEqual(['grpc', 'http']);
  });

  it("serves the guide's metrics on the prometheus exporter, from OTLP and from Kafka, counts exact", async () => {
    const text = await until(
      'every circuit counted on the exporter',
      async () => {
        const t = await scrape(ports.prometheus);
        return metricValue(t, 'genrf_circuits_generated_total') === circuits() ? t : undefined;
      },
      60_000,
    );
    for (const [prefix, summary] of [
      ['direct', direct],
      ['kafka', viaKafka],
    ] as const) {
      const mine = (name: string, labels: Record<string, string> = {}) => summary.workers.reduce((a, w) => a + metricValue(text, name, { instance: `${prefix}-${w.worker}`, ...labels }), 0);
      expect(mine('genrf_circuits_generated_total'), prefix).toBe(summary.total.circuits);
      expect(mine('genrf_circuits_generated_total', { status: 'failed' }), prefix).toBe(summary.total.failed);
      expect(mine('genrf_generation_duration_seconds_bucket', { le: '+Inf' }), prefix).toBe(summary.total.circuits);
      expect(mine('genrf_generation_duration_seconds_bucket', { le: '300' }), prefix).toBe(summary.total.circuits - summary.total.slow);
      expect(mine('genrf_spice_convergence_failures_total'), prefix).toBe(summary.total.convergence_failures);
    }
    // The guide's buckets, and its labels.
    const les = new Set([...text.matchAll(/^genrf_generation_duration_seconds_bucket\{[^}]*le="([^"]+)"/gm)].map((m) => m[1]));
    expect([...les]).toEqual(['1', '5', '10', '30', '60', '300', '900', '+Inf']);
    const labelsOf = (name: string) => new Set([...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\}`, 'gm'))].flatMap((m) => [...m[1].matchAll(/(\w+)="/g)].map((l) => l[1])));
    expect([...labelsOf('genrf_circuits_generated_total')]).toEqual(expect.arrayContaining(['circuit_type', 'technology', 'status']));
    expect([...labelsOf('genrf_spice_convergence_failures_total')]).toEqual(expect.arrayContaining(['circuit_type', 'failure_type']));
    expect([...labelsOf('genrf_generation_duration_seconds_bucket')]).toEqual(expect.arrayContaining(['circuit_type', 'optimization_steps', 'le']));
  }, 90_000);

  it('every metric of the contract (docs/genrf-metrics.md) is on the exporter with its labels and buckets', async () => {
    const text = await scrape(ports.prometheus);
    const ORIGIN = new Set(['job', 'instance', 'otel_scope_name', 'otel_scope_version', 'le']);
    for (const m of METRICS) {
      const base = prometheusName(m);
      const sample = m.instrument === 'Histogram' ? `${base}_bucket` : base;
      const lines = [...text.matchAll(new RegExp(`^${sample}\\{([^}]*)\\} `, 'gm'))].map((x) => x[1]);
      expect(lines.length, `${sample} on :${ports.prometheus}`).toBeGreaterThan(0);
      const labels = new Set(lines.flatMap((l) => [...l.matchAll(/(\w+)="/g)].map((x) => x[1])).filter((k) => !ORIGIN.has(k)));
      expect([...labels].sort(), `${sample} labels`).toEqual([...m.attributes].sort());
      if (m.buckets) {
        const les = new Set(lines.map((l) => /le="([^"]+)"/.exec(l)![1]));
        expect([...les], `${sample} buckets`).toEqual([...m.buckets.map((b) => String(b)), '+Inf']);
      }
    }
  });

  it('the series reach Prometheus', async () => {
    const url = env.PROMETHEUS_URL!;
    await until(
      'Prometheus to hold the final count',
      async () => {
        const r = await promQuery(url, `sum(genrf_circuits_generated_total{job="${job}"})`);
        return Number(r[0]?.value[1]) === circuits() ? true : undefined;
      },
      60_000,
    );
    for (const q of [
      `sum(rate(genrf_circuits_generated_total{job="${job}",status="failed"}[5m])) / sum(rate(genrf_circuits_generated_total{job="${job}"}[5m]))`,
      `histogram_quantile(0.95, sum by (le) (rate(genrf_generation_duration_seconds_bucket{job="${job}"}[5m])))`,
      `sum(genrf_spice_convergence_failures_total{job="${job}"})`,
    ])
      expect((await promQuery(url, q)).length, q).toBe(1);
  }, 90_000);

  it("every trace in Jaeger is the guide's tree: generate_circuit with its three children", async () => {
    const traces = await until(
      'every trace in Jaeger',
      async () => {
        const t = await jaegerTraces(env.JAEGER_QUERY_URL!, service);
        return t.length === circuits() && t.every((x: Json) => x.spans.length === 4) ? t : undefined;
      },
      60_000,
      1000,
    );
    for (const t of traces) {
      const root = t.spans.find((s: Json) => s.operationName === 'generate_circuit');
      const children = t.spans.filter((s: Json) => s.references?.some((r: Json) => r.refType === 'CHILD_OF' && r.spanID === root.spanID));
      expect(children.map((s: Json) => s.operationName).sort()).toEqual(['parameter_optimization', 'spice_validation', 'topology_generation']);
      const tags = Object.fromEntries(root.tags.map((kv: Json) => [kv.key, kv.value]));
      expect(tags['circuit.type']).toBeTypeOf('string');
      expect(tags['circuit.frequency']).toBeGreaterThan(0);
    }
    expect(PII.test(JSON.stringify(traces))).toBe(false);
  }, 90_000);

  it("every log record is in Elasticsearch, the guide's queries find them, and no PII is stored anywhere", async () => {
    const url = env.ELASTICSEARCH_URL!;
    const mine = `resource.deployment.environment:${environment}`;
    const appLogs = direct.total.logs + viaKafka.total.logs;
    const securityLogs = direct.total.security_logs + viaKafka.total.security_logs;
    await until('every application log in logs-genrf-default', async () => ((await esCount(url, 'logs-genrf-default', mine)) === appLogs ? true : undefined), 60_000);
    await until('every security log in logs-genrf.security-default', async () => ((await esCount(url, 'logs-genrf.security-default', mine)) === securityLogs ? true : undefined), 60_000);

    const q = (query: string) => esCount(url, 'logs-genrf-default', `(${query}) AND ${mine}`);
    expect(await q('level:INFO AND generation_time:>300'), 'slow generations').toBeGreaterThan(0);
    expect(await q('level:ERROR AND "convergence failure"'), 'convergence failures').toBeGreaterThan(0);
    expect(await q('level:ERROR AND user_id:*'), 'errors with a user').toBe(direct.total.failed + viaKafka.total.failed + (await q('level:ERROR AND logger:genrf.spice')));
    expect(await q('circuit_type:LNA AND technology:tsmc65 AND level:ERROR'), 'LNA on tsmc65 errors').toBeGreaterThan(0);
    // The third query's "| terms field:user_id size:10": the users with the most errors.
    const top = await fetch(`${url}/logs-genrf-default/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 0, query: { query_string: { query: `level:ERROR AND user_id:* AND ${mine}` } }, aggs: { users: { terms: { field: 'user_id', size: 10 } } } }),
    }).then((r) => r.json() as Promise<Json>);
    expect(top.aggregations.users.buckets.length).toBeGreaterThan(0);
    expect(await esCount(url, 'logs-genrf-default', `logger:genrf.security* AND ${mine}`), 'no security log among the application logs').toBe(0);

    // PII: nowhere in any genRF index (documents of this run), nor in the daemon's files.
    for (const index of ['logs-genrf-default', 'logs-genrf.security-default', 'traces-genrf-default']) {
      const res = await fetch(`${url}/${index}/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ size: 10_000, query: { query_string: { query: mine } } }),
      });
      const body = (await res.json()) as Json;
      expect(body.hits.hits.length, index).toBeGreaterThan(0);
      expect(PII.exec(JSON.stringify(body.hits.hits))?.[0], index).toBeUndefined();
    }
    const security = await fetch(`${url}/logs-genrf.security-default/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 1, query: { query_string: { query: `${mine} AND message:"user login"` } } }),
    }).then((r) => r.json() as Promise<Json>);
    expect(security.hits.hits[0]._source.attributes).toMatchObject({ email: '[REDACTED:email]', client_ip: '[REDACTED:ipv4]' });
    // Every file the daemon wrote: the security files, dead letters and the persistent queues'
    // segment logs (file_storage under queue/), which hold what is still to be sent.
    const files = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const e of files) {
      const file = join(e.parentPath, e.name);
      const text = await readFile(file, 'latin1');
      expect(PII.exec(text)?.[0], file).toBeUndefined();
    }
  }, 120_000);
});

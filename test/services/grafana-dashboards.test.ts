// Every query of the four Grafana dashboards (deploy/grafana/dashboards) against the real
// backends, fed by the genRF emulator through pipelines/genrf.yaml: each PromQL expression in
// a Prometheus that scrapes the daemon and loads deploy/prometheus's rule files (so that the
// alert escalation panel has ALERTS), each Elasticsearch Lucene query with its aggregations as
// Grafana's Elasticsearch data source sends it, each Jaeger search. Each must parse and return
// data. Grafana's template variables get the values of this run ($job, $env, $service, ...),
// and their own queries must offer those values.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { esCount, genrfEnv, jaegerTraces, promQuery, runDaemon, runEmulator, until, type EmulatorSummary, type Ports, type RunningDaemon } from '../../examples/genrf/stack.ts';
import { freePort, tempDir } from '../e2e/helpers/daemon.ts';
import { provisionedDatasources, readDashboards, ROOT, targetsOf, type PanelTarget } from '../unit/deploy/dashboard-files.ts';
import { startPrometheus, type PrivatePrometheus } from './helpers/private-prometheus.ts';
import { describeService, requireService } from './helpers/services.ts';
import { runId } from './kafka-helpers.ts';

const checks = await Promise.all((['kafka', 'elasticsearch', 'jaeger', 'prometheus', 'python-otel'] as const).map((s) => requireService(s)));
const all = checks.find((c) => !c.ok) ?? checks[0];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describeService(all, "the Grafana dashboards' queries on the real Prometheus, Elasticsearch and Jaeger", (env) => {
  const run = runId().replace(/-/g, '');
  const environment = `dash${run}`;
  const service = `genrf-worker-${run}`;
  const job = `genrf-dash-${run}`;
  const collectorJob = `genrf-dash-self-${run}`;
  const datasources = provisionedDatasources();
  let daemon: RunningDaemon | undefined;
  let prom: PrivatePrometheus | undefined;
  let dataDir = '';
  let ports: Ports;
  let summary: EmulatorSummary;
  const window = { start: 0, end: 0 };

  beforeAll(async () => {
    dataDir = await tempDir('genrf-dash-');
    ports = { grpc: await freePort(), http: await freePort(), prometheus: await freePort(), health: await freePort(), metrics: await freePort() };
    prom = await startPrometheus(env.PROMTOOL!, {
      ruleFiles: [join(ROOT, 'deploy/prometheus/genrf-alerts.yaml'), join(ROOT, 'deploy/prometheus/collector-alerts.yaml')],
      targets: [
        { job, port: ports.prometheus },
        { job: collectorJob, port: ports.metrics },
      ],
    });
    daemon = await runDaemon('pipelines/genrf.yaml', genrfEnv(env, { ports, dataDir, environment, group: `dash-${run}`, topicSuffix: `-${run}` }));
    window.start = Date.now() / 1000 - 5;
    summary = await runEmulator(env.OTEL_PYTHON!, [
      '--service-name',
      service,
      '--workers',
      '2',
      '--rate',
      '5',
      '--duration',
      '12',
      '--failure-rate',
      '0.3',
      '--slow-rate',
      '0.1',
      '--convergence-failures',
      '1',
      '--export-interval',
      '500',
      '--seed',
      '7',
      '--grpc-endpoint',
      `127.0.0.1:${ports.grpc}`,
      '--http-endpoint',
      `127.0.0.1:${ports.http}`,
    ]);
    // Everything is in: the final count in Prometheus, an alert pending, every log indexed.
    await until(
      'the final count in Prometheus',
      async () => (Number((await promQuery(prom!.url, `sum(genrf_circuits_generated_total{job="${job}"})`))[0]?.value[1]) === summary.total.circuits ? true : undefined),
      60_000,
    );
    await until('an alert of genrf-alerts.yaml pending or firing', async () => ((await promQuery(prom!.url, 'ALERTS')).length > 0 ? true : undefined), 30_000);
    await until(
      'the logs in Elasticsearch',
      async () => ((await esCount(env.ELASTICSEARCH_URL!, 'logs-genrf-default', `resource.deployment.environment:${environment}`)) === summary.total.logs ? true : undefined),
      60_000,
    );
    await until('the traces in Jaeger', async () => ((await jaegerTraces(env.JAEGER_QUERY_URL!, service)).length === summary.total.circuits ? true : undefined), 60_000, 1000);
    window.end = Date.now() / 1000;
  }, 180_000);

  afterAll(async () => {
    await daemon?.stop();
    await prom?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Grafana's variables and built-ins, with this run's values. */
  // Rate windows span the whole run: on a loaded machine a scrape may time out, and any two
  // samples of the run must do.
  const substitute = (text: string) =>
    text
      .replaceAll('$__rate_interval', `${Math.ceil(window.end - window.start)}s`)
      .replaceAll('$__interval', '2s')
      .replaceAll('$__range', `${Math.ceil(window.end - window.start)}s`)
      .replaceAll('$job', job)
      .replaceAll('$collector', collectorJob)
      .replaceAll('$env', environment)
      .replaceAll('$service', service);

  async function runProm(t: Json): Promise<string | undefined> {
    const expr = substitute(t.expr);
    const params = new URLSearchParams({ query: expr });
    let path = '/api/v1/query';
    if (t.range !== false && t.instant !== true) {
      path = '/api/v1/query_range';
      params.set('start', String(window.start));
      params.set('end', String(window.end));
      params.set('step', '2');
    } else params.set('time', String(window.end));
    const body = (await (await fetch(`${prom!.url}${path}?${params}`)).json()) as Json;
    if (body.status !== 'success') return `does not evaluate: ${body.error}`;
    const values: string[] = body.data.result.flatMap((s: Json) => (s.values ?? [s.value]).map((v: [number, string]) => v[1]));
    if (!values.some((v) => Number.isFinite(Number(v)))) return `returns no data (${body.data.result.length} series)`;
    return undefined;
  }

  /** The search Grafana's Elasticsearch data source sends for a target. */
  function esBody(t: Json, timeField: string): Json {
    const query = {
      bool: {
        filter: [
          { range: { [timeField]: { gte: new Date(window.start * 1000).toISOString(), lte: new Date(window.end * 1000 + 60_000).toISOString() } } },
          { query_string: { query: substitute(t.query), analyze_wildcard: true } },
        ],
      },
    };
    if (t.metrics[0].type === 'logs') return { size: Number(t.metrics[0].settings?.limit ?? 500), query, sort: [{ [timeField]: { order: 'desc' } }] };
    let aggs: Json | undefined;
    for (const b of [...t.bucketAggs].reverse()) {
      const agg: Json =
        b.type === 'terms'
          ? { terms: { field: b.field, size: Number(b.settings?.size ?? 10), order: { _count: b.settings?.order ?? 'desc' }, min_doc_count: Number(b.settings?.min_doc_count ?? 1) } }
          : b.type === 'date_histogram'
            ? { date_histogram: { field: b.field ?? timeField, fixed_interval: '5s', min_doc_count: 0 } }
            : undefined;
      if (!agg) throw new Error(`bucket aggregation ${b.type} not translated by this test`);
      if (aggs) agg.aggs = aggs;
      aggs = { [b.id]: agg };
    }
    return { size: 0, query, aggs };
  }

  async function runEs(t: Json, uid: string): Promise<string | undefined> {
    const ds = datasources.get(uid)!;
    const res = await fetch(`${env.ELASTICSEARCH_URL}/${ds.jsonData.index}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(esBody(t, t.timeField ?? ds.jsonData.timeField)),
    });
    const body = (await res.json()) as Json;
    if (!res.ok) return `does not run: ${JSON.stringify(body.error?.root_cause ?? body).slice(0, 300)}`;
    if (t.metrics[0].type === 'logs') return body.hits.hits.length > 0 ? undefined : 'returns no log lines';
    // Documents in the innermost buckets (nested aggregations are keyed by their ids).
    const leafDocs = (agg: Json): number =>
      (agg?.buckets ?? []).reduce((n: number, b: Json) => {
        const subs = Object.entries(b).filter(([k, v]) => /^\d+$/.test(k) && (v as Json)?.buckets !== undefined);
        return n + (subs.length > 0 ? subs.reduce((m, [, sub]) => m + leafDocs(sub), 0) : b.doc_count);
      }, 0);
    const buckets = (aggs: Json): number => Object.values(aggs ?? {}).reduce((n: number, a) => n + leafDocs(a), 0);
    return buckets(body.aggregations) > 0 ? undefined : 'returns no buckets with documents';
  }

  async function runJaeger(t: Json): Promise<string | undefined> {
    const traces = await jaegerTraces(env.JAEGER_QUERY_URL!, substitute(t.service), t.operation, t.limit);
    return traces.length > 0 ? undefined : 'finds no traces';
  }

  it('every panel query parses and returns data', async () => {
    const targets: PanelTarget[] = Object.entries(readDashboards()).flatMap(([f, d]) => targetsOf(f, d));
    expect(targets.length).toBeGreaterThan(40);
    const problems: string[] = [];
    const counts = { prometheus: 0, elasticsearch: 0, jaeger: 0 };
    for (const { dashboard, panel, target } of targets) {
      const type = target.datasource.type as keyof typeof counts;
      counts[type]++;
      const problem = type === 'prometheus' ? await runProm(target) : type === 'elasticsearch' ? await runEs(target, target.datasource.uid) : await runJaeger(target);
      if (problem) problems.push(`${dashboard} / ${panel} (${target.refId}): ${problem}\n    ${target.expr ?? target.query ?? target.operation}`);
    }
    const up = (await (
      await fetch(`${prom!.url}/api/v1/query?${new URLSearchParams({ query: `count_over_time(up{job="${job}"}[${Math.ceil(window.end - window.start)}s])`, time: String(window.end) })}`)
    ).json()) as Json;
    const ok = (await (
      await fetch(`${prom!.url}/api/v1/query?${new URLSearchParams({ query: `sum_over_time(up{job="${job}"}[${Math.ceil(window.end - window.start)}s])`, time: String(window.end) })}`)
    ).json()) as Json;
    console.log(`[dashboards] scrapes of the exporter: ${ok.data.result[0]?.value[1]} ok of ${up.data.result[0]?.value[1]}`);
    console.log(
      `[dashboards] ${targets.length} queries: ${counts.prometheus} PromQL, ${counts.elasticsearch} Elasticsearch, ${counts.jaeger} Jaeger; ${summary.total.circuits} circuits from the emulator`,
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('every alert rule the escalation panel shows evaluates without error on this data', async () => {
    const body = (await (await fetch(`${prom!.url}/api/v1/rules`)).json()) as Json;
    const rules = body.data.groups.flatMap((g: Json) => g.rules.map((r: Json) => ({ group: g.name, name: r.name, health: r.health, lastError: r.lastError })));
    expect(rules.length).toBe(11); // genrf-alerts.yaml 7, collector-alerts.yaml 4
    expect(rules.filter((r: Json) => r.health !== 'ok')).toEqual([]);
  });

  it("the template variables offer this run's values", async () => {
    const vars = Object.values(readDashboards()).flatMap((d) => d.templating.list as Json[]);
    for (const v of vars.filter((x) => x.type === 'query' && x.datasource.type === 'prometheus')) {
      const m = /^label_values\((\w+), (\w+)\)$/.exec(v.query.query)!;
      const res = (await (await fetch(`${prom!.url}/api/v1/label/${m[2]}/values?${new URLSearchParams({ 'match[]': m[1] })}`)).json()) as Json;
      expect(res.data, v.name).toContain(v.name === 'collector' ? collectorJob : job);
    }
    const envVar = vars.find((x) => x.name === 'env');
    const field = JSON.parse(envVar.query).field;
    const res = await fetch(`${env.ELASTICSEARCH_URL}/logs-genrf-default/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 0, aggs: { values: { terms: { field, size: 500 } } } }),
    }).then((r) => r.json() as Promise<Json>);
    expect(res.aggregations.values.buckets.map((b: Json) => b.key)).toContain(environment);
  });
});

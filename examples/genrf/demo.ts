// `npm run demo`: the genRF stack end to end on this machine.
//   1. brings up the real services (scripts/services/up: Kafka, Elasticsearch, Jaeger,
//      Prometheus, the Python SDK), idempotently;
//   2. starts genrf-collector on pipelines/genrf.yaml, and an edge daemon on
//      pipelines/edge.yaml that writes to Kafka (the genrf daemon consumes it);
//   3. runs the workload emulator: most workers send OTLP to the daemon (gRPC and HTTP), one
//      through the edge and Kafka;
//   4. prints where to look (Jaeger, Prometheus, Elasticsearch) and what each holds, against
//      what the emulator sent. Exit code 1 when a count does not match.
// Options: --seconds N (30) --workers N (2) --rate R (4, circuits/s) --failure-rate F (0.05)
//          --keep (leave the daemons running until Ctrl-C)
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addScrapeTarget, esCount, genrfEnv, jaegerTraces, promQuery, readServicesEnv, ROOT, runDaemon, runEmulator, until, type EmulatorSummary, type Ports, type RunningDaemon } from './stack.ts';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    workers: { type: 'string', default: '2' },
    rate: { type: 'string', default: '4' },
    'failure-rate': { type: 'string', default: '0.05' },
    keep: { type: 'boolean', default: false },
  },
});

/** The port if it is free on 127.0.0.1, else one the system picks. */
function portOr(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      const t = createServer();
      t.listen(0, '127.0.0.1', () => {
        const p = (t.address() as { port: number }).port;
        t.close(() => resolve(p));
      });
    });
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

const say = (text = '') => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  say('genRF demo: bringing up the services (scripts/services/up) ...');
  const up = spawnSync(join(ROOT, 'scripts/services/up'), { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) {
    say('scripts/services/up failed: see its messages above (docs/services.md).');
    return 1;
  }
  const services = readServicesEnv();
  const python = services.OTEL_PYTHON;
  if (!python) {
    say('.services.env has no OTEL_PYTHON: run scripts/services/up python-otel');
    return 1;
  }

  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const environment = `demo${stamp}`;
  const service = 'genrf-worker';
  const job = `genrf-demo-${stamp}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'genrf-demo-'));
  const ports: Ports = { grpc: await portOr(4317), http: await portOr(4318), prometheus: await portOr(8889), health: await portOr(13133), metrics: await portOr(8888) };
  const genrf = genrfEnv(services, { ports, dataDir, environment, group: `genrf-demo-${stamp}`, topicSuffix: `-demo-${stamp}` });
  const daemons: RunningDaemon[] = [];
  let target = '';
  const stop = async () => {
    if (target) await rm(target, { force: true });
    await Promise.all(daemons.map((d) => d.stop()));
  };
  try {
    daemons.push(await runDaemon('pipelines/genrf.yaml', genrf));
    const edge = { grpc: await portOr(14417), health: await portOr(13134), metrics: await portOr(8887) };
    daemons.push(
      await runDaemon('pipelines/edge.yaml', {
        KAFKA_BROKERS: genrf.KAFKA_BROKERS,
        GENRF_KAFKA_LOGS_TOPIC: genrf.GENRF_KAFKA_LOGS_TOPIC,
        GENRF_KAFKA_TRACES_TOPIC: genrf.GENRF_KAFKA_TRACES_TOPIC,
        GENRF_KAFKA_METRICS_TOPIC: genrf.GENRF_KAFKA_METRICS_TOPIC,
        GENRF_OTLP_GRPC_ENDPOINT: `127.0.0.1:${edge.grpc}`,
        GENRF_OTLP_HTTP_ENDPOINT: `127.0.0.1:${await portOr(14418)}`,
        GENRF_HEALTH_ENDPOINT: `127.0.0.1:${edge.health}`,
        GENRF_METRICS_ADDRESS: `127.0.0.1:${edge.metrics}`,
      }),
    );
    if (services.PROMETHEUS_TARGETS_DIR) target = await addScrapeTarget(services.PROMETHEUS_TARGETS_DIR, job, ports.prometheus);
    say(`genrf-collector (pipelines/genrf.yaml): OTLP gRPC 127.0.0.1:${ports.grpc}, HTTP 127.0.0.1:${ports.http}; Kafka topics ${genrf.GENRF_KAFKA_METRICS_TOPIC}, ...; data in ${dataDir}`);
    say(`edge daemon (pipelines/edge.yaml): OTLP gRPC 127.0.0.1:${edge.grpc} -> Kafka ${genrf.KAFKA_BROKERS}`);

    const seconds = Number(opt.seconds);
    const workers = Math.max(1, Number(opt.workers));
    const rate = Number(opt.rate);
    say(`running the emulator for ${seconds} s: ${workers} worker(s) over OTLP gRPC and HTTP, 1 through Kafka; ${rate} circuits/s, failure rate ${opt['failure-rate']} ...`);
    const common = ['--service-name', service, '--duration', String(seconds), '--failure-rate', opt['failure-rate']!, '--slow-rate', '0.02'];
    const [direct, viaKafka] = await Promise.all([
      runEmulator(
        python,
        [
          ...common,
          '--workers',
          String(workers),
          '--rate',
          String((rate * workers) / (workers + 1)),
          '--protocol',
          'mixed',
          '--grpc-endpoint',
          `127.0.0.1:${ports.grpc}`,
          '--http-endpoint',
          `127.0.0.1:${ports.http}`,
          '--instance-prefix',
          `${environment}-direct`,
        ],
        (seconds + 90) * 1000,
      ),
      runEmulator(
        python,
        [...common, '--workers', '1', '--rate', String(rate / (workers + 1)), '--protocol', 'grpc', '--grpc-endpoint', `127.0.0.1:${edge.grpc}`, '--instance-prefix', `${environment}-kafka`],
        (seconds + 90) * 1000,
      ),
    ]);
    const sent = sum(direct, viaKafka);
    say(
      `the emulator sent ${sent.circuits} circuits (${sent.failed} failed, ${sent.slow} over 300 s): ${sent.spans} spans, ${sent.logs} application logs, ${sent.security_logs} security logs (with PII)`,
    );
    say('waiting for every backend to hold all of it ...');

    const check = async (what: string, where: string, expected: number, read: () => Promise<number>): Promise<[string, string, number, number]> => {
      let seen = -1;
      await until(what, async () => ((seen = await read()) === expected ? true : undefined), 90_000, 1000).catch(() => {});
      return [what, where, seen, expected];
    };
    const jaeger = services.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686';
    const prom = services.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
    const es = genrf.ELASTICSEARCH_URL;
    const mine = `resource.deployment.environment:${environment}`;
    const promSum = `sum(genrf_circuits_generated_total{job="${job}"})`;
    const tracesOf = async () =>
      (await jaegerTraces(jaeger, service)).filter((t: { processes: Record<string, { tags?: Array<{ key: string; value: unknown }> }> }) =>
        Object.values(t.processes).some((p) => p.tags?.some((kv) => kv.key === 'service.instance.id' && String(kv.value).startsWith(environment))),
      ).length;
    const rows = await Promise.all([
      check('traces (generate_circuit + 3 children)', `${jaeger}/search?service=${service}&operation=generate_circuit`, sent.circuits, tracesOf),
      check('circuits on the exporter', `http://127.0.0.1:${ports.prometheus}/metrics`, sent.circuits, async () => {
        const text = await (await fetch(`http://127.0.0.1:${ports.prometheus}/metrics`)).text();
        return [...text.matchAll(/^genrf_circuits_generated_total\{[^}]*instance="demo[^}]*\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
      }),
      ...(target
        ? [check('circuits in Prometheus', `${prom}/graph?g0.expr=${encodeURIComponent(promSum)}`, sent.circuits, async () => Number((await promQuery(prom, promSum))[0]?.value[1] ?? 0))]
        : []),
      check('application logs', `${es}/logs-genrf-default  q=${mine}`, sent.logs, () => esCount(es, 'logs-genrf-default', mine)),
      check('security logs (scrubbed)', `${es}/logs-genrf.security-default  q=${mine}`, sent.security_logs, () => esCount(es, 'logs-genrf.security-default', mine)),
    ]);

    say('\nwhere to look                                        seen / sent');
    let ok = true;
    for (const [what, where, seen, expected] of rows) {
      ok &&= seen === expected;
      say(`  ${what.padEnd(44)} ${String(seen).padStart(6)} / ${expected}${seen === expected ? '' : '   MISMATCH'}\n      ${where}`);
    }
    say(`
Prometheus queries (job="${job}"; the guide's alert rules: deploy/prometheus/genrf-alerts.yaml):
  ${promSum}
  sum by (circuit_type) (rate(genrf_circuits_generated_total{job="${job}",status="failed"}[5m])) / sum by (circuit_type) (rate(genrf_circuits_generated_total{job="${job}"}[5m]))
  histogram_quantile(0.95, sum by (le) (rate(genrf_generation_duration_seconds_bucket{job="${job}"}[5m])))
  sum by (failure_type) (rate(genrf_spice_convergence_failures_total{job="${job}"}[5m]))
Elasticsearch: the guide's queries, e.g. curl -s '${es}/logs-genrf-default/_count?q=level:ERROR%20AND%20%22convergence%20failure%22'
Grafana: deploy/grafana (docker compose up grafana): System Health, Performance, Business Metrics, Error Analysis
Metrics contract: docs/genrf-metrics.md`);
    if (opt.keep) {
      say(`\nthe daemons keep running (/health: http://127.0.0.1:${ports.health}/health); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return ok ? 0 : 1;
  } finally {
    await stop();
  }
}

function sum(a: EmulatorSummary, b: EmulatorSummary): EmulatorSummary['total'] {
  const out = { ...a.total };
  for (const k of Object.keys(out) as Array<keyof typeof out>) out[k] += b.total[k];
  return out;
}

process.exitCode = await main().catch((err: Error) => {
  say(`demo failed: ${err.message}`);
  return 1;
});

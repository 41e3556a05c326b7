// The alert rules shipped in deploy/prometheus against what the pipeline produces:
// - both files pass `promtool check rules`;
// - every guide rule's expression evaluates without error in the real Prometheus on the
//   series it scraped from the daemon (fed by the Python SDK);
// - HighErrorRate and HighGPUMemoryUsage fire, and the other three do not, in
//   `promtool test rules` run on the series read back from that Prometheus. The samples are
//   the real ones, scraped every second; promtool replays them 30 s apart, so that 15 s of
//   sending covers the rules' `for: 5m` (the rules' ratios and thresholds do not depend on
//   the time scale: the error ratio is 1 in 4, the GPU gauge is a level).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort, startDaemon, type Daemon } from '../e2e/helpers/daemon.ts';
import { addScrapeTarget, promQuery, promUntil } from './helpers/prometheus.ts';
import { describeService, REPO_ROOT, requireService } from './helpers/services.ts';
import { record, replayAlerts } from './helpers/alert-replay.ts';

const prometheus = await requireService('prometheus');
const python = await requireService('python-otel');
const both = prometheus.ok ? python : prometheus;
const run = promisify(execFile);

const RUN = randomBytes(4).toString('hex');
const JOB = `genrf-prom-rules-${RUN}`;
const GUIDE_RULES = join(REPO_ROOT, 'deploy/prometheus/genrf-alerts.yaml');
const COLLECTOR_RULES = join(REPO_ROOT, 'deploy/prometheus/collector-alerts.yaml');
const RECORDING_RULES = join(REPO_ROOT, 'deploy/prometheus/genrf-recording.yaml');
const REPLAY_STEP_S = 30;

const SENDER = join(REPO_ROOT, 'test/services/fixtures/genrf_metrics_sender.py');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
}

describeService(prometheus, 'deploy/prometheus rule files', (env) => {
  it.each([GUIDE_RULES, COLLECTOR_RULES, RECORDING_RULES])('promtool check rules %s', async (file) => {
    const { stdout } = await run(env.PROMTOOL!, ['check', 'rules', file]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("the guide file has the guide's five alerts in its two groups, then the corrected HighErrorRate", async () => {
    const doc = parse(await readFile(GUIDE_RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
    const guide = doc.groups.filter((g) => g.name === 'genrf.critical' || g.name === 'genrf.warning');
    expect(guide.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(['CircuitGenerationDown', 'HighErrorRate', 'SPICESimulationFailures', 'SlowGenerationTime', 'HighGPUMemoryUsage']);
    expect(
      guide
        .flatMap((g) => g.rules)
        .find((r) => r.alert === 'HighErrorRate')!
        .expr.replace(/\s+/g, ' ')
        .trim(),
    ).toBe('( rate(genrf_circuits_generated_total{status="failed"}[5m]) / rate(genrf_circuits_generated_total[5m]) ) > 0.1');
    const corrected = doc.groups.find((g) => g.name === 'genrf.critical.corrected')!.rules;
    expect(corrected.map((r) => [r.alert, r.expr.replace(/\s+/g, ' ').trim(), r.for])).toEqual([
      ['CircuitGenerationDownCorrected', 'sum(rate(genrf_circuits_generated_total[5m])) == 0 or absent(genrf_circuits_generated_total)', '2m'],
      ['HighErrorRateCorrected', '( sum(rate(genrf_circuits_generated_total{status="failed"}[5m])) / sum(rate(genrf_circuits_generated_total[5m])) ) > 0.1', '1m'],
    ]);
    // The file says why.
    expect(await readFile(GUIDE_RULES, 'utf8')).toMatch(/Each failed series is divided by itself/);
  });

  it("pod:genrf_generation_pending:sum puts each worker's pending generations on its pod (the genrf-api HPA's metric)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'genrf-recording-'));
    const file = join(dir, 'recording.test.yaml');
    await writeFile(
      file,
      stringify({
        rule_files: [RECORDING_RULES],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: 'genrf_generation_pending{job="genrf/genrf-api",instance="api-1"}', values: '3x5' },
              { series: 'genrf_generation_pending{job="genrf/genrf-api",instance="api-2"}', values: '8x5' },
              { series: 'target_info{job="genrf/genrf-api",instance="api-1",k8s_namespace_name="genrf",k8s_pod_name="genrf-api-7d9f-a",host_name="n1"}', values: '1x5' },
              { series: 'target_info{job="genrf/genrf-api",instance="api-2",k8s_namespace_name="genrf",k8s_pod_name="genrf-api-7d9f-b",host_name="n2"}', values: '1x5' },
            ],
            promql_expr_test: [
              {
                expr: 'pod:genrf_generation_pending:sum',
                eval_time: '3m',
                exp_samples: [
                  { labels: 'pod:genrf_generation_pending:sum{k8s_namespace_name="genrf",k8s_pod_name="genrf-api-7d9f-a"}', value: 3 },
                  { labels: 'pod:genrf_generation_pending:sum{k8s_namespace_name="genrf",k8s_pod_name="genrf-api-7d9f-b"}', value: 8 },
                ],
              },
            ],
          },
        ],
      }),
    );
    const out = await run(env.PROMTOOL!, ['test', 'rules', file]).catch((e: { stdout: string; stderr: string }) => e);
    await rm(dir, { recursive: true, force: true });
    expect(`${out.stdout}${out.stderr}`).toContain('SUCCESS');
  });

  it('the collector rules evaluate when a receiver reports all three signals (rate() drops the metric name)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'genrf-collector-rules-'));
    const series = (name: string, values: string) => ({ series: `${name}{job="c",instance="i",receiver="otlp",transport="http"}`, values });
    const file = join(dir, 'collector.test.yaml');
    await writeFile(
      file,
      stringify({
        rule_files: [COLLECTOR_RULES],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              // Data for 10 minutes, then none for 20: only the flat part may alert.
              series('otelcol_receiver_accepted_spans_total', '0+10x10 100x20'),
              series('otelcol_receiver_accepted_metric_points_total', '0+5x10 50x20'),
              series('otelcol_receiver_accepted_log_records_total', '0x30'),
            ],
            alert_rule_test: [
              { eval_time: '10m', alertname: 'CollectorNoDataReceived', exp_alerts: [] },
              {
                eval_time: '30m',
                alertname: 'CollectorNoDataReceived',
                exp_alerts: [
                  {
                    exp_labels: { job: 'c', instance: 'i', severity: 'warning' },
                    exp_annotations: { summary: 'genrf-collector receives no data', description: 'i accepted no spans, metric points or log records in the last 15 minutes' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const out = await run(env.PROMTOOL!, ['test', 'rules', file]).catch((e: { stdout: string; stderr: string }) => e);
    await rm(dir, { recursive: true, force: true });
    expect(`${out.stdout}${out.stderr}`).toContain('SUCCESS');
  });
});

describeService(both, "the guide's alert rules on the series the pipeline produced (real Prometheus, Python SDK)", (env) => {
  let daemon: Daemon | undefined;
  let targetFile = '';
  let dir = '';
  let window: { start: number; end: number } = { start: 0, end: 0 };
  const url = prometheus.env.PROMETHEUS_URL!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genrf-rules-'));
    const [httpPort, promPort] = [await freePort(), await freePort()];
    daemon = await startDaemon(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${httpPort} }
exporters:
  prometheus: { endpoint: 127.0.0.1:${promPort} }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [otlp], exporters: [prometheus] }
`);
    targetFile = await addScrapeTarget(prometheus.env.PROMETHEUS_TARGETS_DIR!, JOB, promPort, { job: JOB });
    await promUntil(url, 'Prometheus scraping the daemon', `up{job="${JOB}"}`, (r) => r[0]?.value[1] === '1', 15_000, 250);
    const start = Date.now() / 1000;
    await run(python.env.OTEL_PYTHON!, [SENDER, `http://127.0.0.1:${httpPort}`, 'cumulative', `w-${RUN}`, 'alerts', '16'], { timeout: 40_000 });
    window = { start, end: Date.now() / 1000 };
  }, 60_000);

  afterAll(async () => {
    if (targetFile) await rm(targetFile, { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
    await daemon?.stop();
  });

  it('every rule expression evaluates without error on the scraped series', async () => {
    const doc = parse(await readFile(GUIDE_RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
    const results: Record<string, number> = {};
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      // promQuery throws on an evaluation error; the result may be empty (no alert condition).
      results[rule.alert] = (await promQuery(url, rule.expr)).length;
    }
    expect(results.HighGPUMemoryUsage).toBeGreaterThan(0);
    expect(results.HighErrorRate).toBeGreaterThan(0);
    // The series the other rules read are there, under the names they use.
    for (const name of ['genrf_circuits_generated_total', 'genrf_spice_convergence_failures_total', 'genrf_generation_duration_seconds_bucket']) {
      expect((await promQuery(url, `${name}{job="${JOB}"}`)).length, name).toBeGreaterThan(0);
    }
  });

  it('HighErrorRate and HighGPUMemoryUsage fire on them (promtool test rules); the others do not', async () => {
    // Every sample Prometheus scraped from the daemon during the run, second by second.
    const params = new URLSearchParams({ query: `{job="${JOB}",__name__=~"genrf_.*"}`, start: String(window.start), end: String(window.end), step: '1' });
    const res = (await (await fetch(`${url}/api/v1/query_range?${params}`)).json()) as { data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
    const matrix = res.data.result;
    const steps = Math.floor(window.end - window.start) + 1;
    expect(steps * REPLAY_STEP_S).toBeGreaterThan(6 * 60);
    const input_series = matrix.map((s) => {
      const byStep = new Map(s.values.map(([t, v]) => [Math.round(t - window.start), v]));
      const values = Array.from({ length: steps }, (_, i) => byStep.get(i) ?? '_').join(' ');
      const { __name__, ...labels } = s.metric;
      return {
        series: `${__name__}{${Object.entries(labels)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}}`,
        values,
      };
    });
    const failed = matrix.find((s) => s.metric.__name__ === 'genrf_circuits_generated_total' && s.metric.status === 'failed')!.metric;
    const gpu = matrix.find((s) => s.metric.__name__ === 'genrf_gpu_memory_bytes')!.metric;
    const labelsOf = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== '__name__'));
    const evalTime = `${(steps - 1) * REPLAY_STEP_S}s`;
    const testFile = join(dir, 'guide-alerts.test.yaml');
    await writeFile(
      testFile,
      stringify({
        rule_files: [GUIDE_RULES],
        evaluation_interval: `${REPLAY_STEP_S}s`,
        tests: [
          {
            interval: `${REPLAY_STEP_S}s`,
            input_series,
            alert_rule_test: [
              {
                eval_time: evalTime,
                alertname: 'HighErrorRate',
                // The guide's expression divides each failed series by itself (one-to-one matching on
                // every label), so its value is 1 whenever there are failures.
                exp_alerts: [{ exp_labels: { ...labelsOf(failed), severity: 'critical' }, exp_annotations: { summary: 'High circuit generation error rate', description: 'Error rate is 100%' } }],
              },
              {
                eval_time: evalTime,
                alertname: 'HighGPUMemoryUsage',
                exp_alerts: [{ exp_labels: { ...labelsOf(gpu), severity: 'warning' }, exp_annotations: { summary: 'High GPU memory usage', description: 'GPU memory usage is 93.75%' } }],
              },
              { eval_time: evalTime, alertname: 'CircuitGenerationDown', exp_alerts: [] },
              { eval_time: evalTime, alertname: 'SPICESimulationFailures', exp_alerts: [] },
              { eval_time: evalTime, alertname: 'SlowGenerationTime', exp_alerts: [] },
            ],
          },
        ],
      }),
    );
    const out = await run(env.PROMTOOL ?? prometheus.env.PROMTOOL!, ['test', 'rules', testFile]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${out.stdout}${out.stderr}`).toContain('SUCCESS');
  }, 30_000);
});

// The genRF rules on what the emulator (examples/genrf) sends through the pipeline, in three
// runs recorded at once, each its own daemon and scrape job:
//   healthy  - 20 circuits/s, 3% failures, 20 s generations, GPU at 5 of 8 GiB;
//   degraded - 30% failures, half the generations 5-15 min, 40 SPICE convergence failures per
//              circuit, GPU at 7.5 of 8 GiB;
//   stopped  - circuits for 6 s, then none while the daemon keeps serving the counters.
// Replayed 30x slower (helpers/alert-replay.ts), each rule must fire exactly where it should.
const ALL_RULES = ['CircuitGenerationDown', 'CircuitGenerationDownCorrected', 'HighErrorRate', 'HighErrorRateCorrected', 'SPICESimulationFailures', 'SlowGenerationTime', 'HighGPUMemoryUsage'];
const EMULATOR = join(REPO_ROOT, 'examples/genrf/emulate.py');
const STRETCH = 30;
/** A series' labels without its name (and the alert's own labels), as one comparable string. */
const key = (m: Record<string, string>) =>
  JSON.stringify(
    Object.entries(m)
      .filter(([k]) => !['__name__', 'alertname', 'severity'].includes(k))
      .sort(),
  );

describeService(both, 'the genRF alert rules on series recorded from the emulator (promtool test rules)', (env) => {
  const url = prometheus.env.PROMETHEUS_URL!;
  const scenarios = {
    healthy: { seconds: 16, idle: 0, args: ['--rate', '20', '--failure-rate', '0.03', '--slow-rate', '0', '--convergence-failures', '0.2', '--gpu-memory-gib', '5'] },
    degraded: { seconds: 16, idle: 0, args: ['--rate', '5', '--failure-rate', '0.3', '--slow-rate', '0.5', '--convergence-failures', '40', '--gpu-memory-gib', '7.5'] },
    stopped: { seconds: 6, idle: 18, args: ['--rate', '5', '--failure-rate', '0.03', '--slow-rate', '0', '--convergence-failures', '0.2', '--gpu-memory-gib', '5'] },
  };
  type Name = keyof typeof scenarios;
  const results = {} as Record<
    Name,
    {
      got: Record<string, Array<{ labels: Record<string, string>; annotations: Record<string, string> }>>;
      confirmed: string;
      circuitSeries: Array<Record<string, string>>;
      moving: Set<string>;
      failed: number;
    }
  >;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    await Promise.all(
      (Object.keys(scenarios) as Name[]).map(async (name) => {
        const s = scenarios[name];
        const job = `genrf-replay-${name}-${RUN}`;
        const [httpPort, promPort] = [await freePort(), await freePort()];
        const dir = await mkdtemp(join(tmpdir(), `genrf-replay-${name}-`));
        const daemon = await startDaemon(`
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${httpPort} } } }
exporters:
  prometheus: { endpoint: 127.0.0.1:${promPort} }
  file: { path: ${join(dir, 'out.jsonl')} }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [otlp], exporters: [prometheus] }
    traces: { receivers: [otlp], exporters: [file] }
    logs: { receivers: [otlp], exporters: [file] }
`);
        const target = await addScrapeTarget(prometheus.env.PROMETHEUS_TARGETS_DIR!, job, promPort, { job });
        cleanup.push(
          () => rm(target, { force: true }),
          () => daemon.stop(),
          () => rm(dir, { recursive: true, force: true }),
        );
        await promUntil(url, `Prometheus scraping ${job}`, `up{job="${job}"}`, (r) => r[0]?.value[1] === '1', 15_000, 250);
        const start = Date.now() / 1000;
        const { stdout } = await run(
          python.env.OTEL_PYTHON!,
          [
            EMULATOR,
            '--workers',
            '1',
            '--protocol',
            'http',
            '--http-endpoint',
            `127.0.0.1:${httpPort}`,
            '--duration',
            String(s.seconds),
            '--export-interval',
            '500',
            '--seed',
            '14',
            '--instance-prefix',
            name,
            ...s.args,
          ],
          { timeout: 90_000 },
        );
        const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
        // A running fleet is recorded while it runs (the emulator's loop ends `seconds` after it
        // started, later than `start`); a stopped one for `idle` seconds after its end.
        let end = start + s.seconds;
        if (s.idle > 0) {
          await new Promise((r) => setTimeout(r, s.idle * 1000));
          end = Date.now() / 1000;
        }
        await new Promise((r) => setTimeout(r, 1500)); // the last scrape
        const rec = await record(url, job, start, end);
        const replay = await replayAlerts(env.PROMTOOL!, GUIDE_RULES, rec, STRETCH, ALL_RULES);
        const circuits = rec.matrix.filter((m) => m.metric.__name__ === 'genrf_circuits_generated_total');
        // Series that grew in the last 5 replayed minutes: the samples of the last 300 / STRETCH
        // recorded steps, the window rate() sees at the evaluation.
        const last = Math.floor(rec.end - rec.start);
        const moving = new Set(
          circuits
            .filter((m) => {
              const recent = m.values.filter(([t]) => Math.round(t - rec.start) > last - 300 / STRETCH).map(([, v]) => Number(v));
              return recent.length > 1 && recent.at(-1)! > recent[0];
            })
            .map((m) => key(m.metric)),
        );
        results[name] = { ...replay, circuitSeries: circuits.map((m) => m.metric), moving, failed: summary.total.failed };
      }),
    );
  }, 150_000);

  afterAll(async () => {
    for (const c of cleanup) await c().catch(() => {});
  });

  /** Whether the guide's per-series CircuitGenerationDown may fire for it: only a flat series. */
  const guideDownOnlyFlat = (name: Name) => {
    const r = results[name];
    for (const a of r.got.CircuitGenerationDown) expect(r.moving.has(key(a.labels)), `${key(a.labels)} grew in the last 5 minutes`).toBe(false);
  };
  const fired = (name: Name) => Object.fromEntries(Object.entries(results[name].got).map(([k, v]) => [k, v.length]));
  const labelsOf = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== '__name__'));

  it('healthy: the corrected rules stay silent; the guide\'s HighErrorRate fires on any failure ("100%"), its CircuitGenerationDown on any quiet label combination', () => {
    const r = results.healthy;
    expect(r.failed).toBeGreaterThan(0);
    expect(fired('healthy')).toMatchObject({ CircuitGenerationDownCorrected: 0, HighErrorRateCorrected: 0, SPICESimulationFailures: 0, SlowGenerationTime: 0, HighGPUMemoryUsage: 0 });
    expect(r.moving.size, 'circuits were generated to the end').toBeGreaterThan(0);
    guideDownOnlyFlat('healthy');
    // The guide's expression divides each failed series by itself.
    expect(r.got.HighErrorRate.length).toBeGreaterThan(0);
    for (const a of r.got.HighErrorRate) {
      expect(a.labels.status).toBe('failed');
      expect(a.annotations.description).toBe('Error rate is 100%');
    }
    expect(r.confirmed).toContain('SUCCESS');
  });

  it('degraded: every rule but CircuitGenerationDown fires, with the values that make it fire', () => {
    const r = results.degraded;
    expect(fired('degraded').CircuitGenerationDownCorrected).toBe(0);
    guideDownOnlyFlat('degraded');
    const corrected = r.got.HighErrorRateCorrected;
    expect(corrected.map((a) => a.labels)).toEqual([{ alertname: 'HighErrorRateCorrected', severity: 'critical' }]);
    const ratio = Number(/Error rate is ([\d.]+)%/.exec(corrected[0].annotations.description)![1]);
    expect(ratio).toBeGreaterThan(10);
    expect(ratio).toBeLessThan(60);
    expect(r.got.SPICESimulationFailures.length).toBeGreaterThan(0);
    for (const a of r.got.SPICESimulationFailures) expect(Number(/^([\d.]+) SPICE failures per second$/.exec(a.annotations.description)![1])).toBeGreaterThan(10);
    expect(r.got.SlowGenerationTime.length).toBeGreaterThan(0);
    for (const a of r.got.SlowGenerationTime) expect(Number(/is ([\d.]+)s$/.exec(a.annotations.description)![1])).toBeGreaterThan(300);
    expect(r.got.HighGPUMemoryUsage.map((a) => [a.labels.gpu_id, a.labels.severity])).toEqual([['0', 'warning']]);
    expect(r.got.HighErrorRate.length).toBeGreaterThan(0);
    expect(r.confirmed).toContain('SUCCESS');
  });

  it('stopped: CircuitGenerationDown fires for every circuit series, the corrected rule once; nothing else', () => {
    const r = results.stopped;
    expect(fired('stopped')).toMatchObject({ HighErrorRate: 0, HighErrorRateCorrected: 0, SPICESimulationFailures: 0, SlowGenerationTime: 0, HighGPUMemoryUsage: 0 });
    expect(r.got.CircuitGenerationDownCorrected.map((a) => a.labels)).toEqual([{ alertname: 'CircuitGenerationDownCorrected', severity: 'critical' }]);
    const want = r.circuitSeries
      .map((m) => JSON.stringify({ ...labelsOf(m), alertname: 'CircuitGenerationDown', severity: 'critical' }, Object.keys({ ...m, alertname: 1, severity: 1 }).sort()))
      .sort();
    const got = r.got.CircuitGenerationDown.map((a) => JSON.stringify(a.labels, Object.keys(a.labels).sort())).sort();
    expect(got).toEqual(want);
    expect(r.confirmed).toContain('SUCCESS');
  });
});

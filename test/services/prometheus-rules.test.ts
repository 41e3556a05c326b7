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

const prometheus = await requireService('prometheus');
const python = await requireService('python-otel');
const both = prometheus.ok ? python : prometheus;
const run = promisify(execFile);

const RUN = randomBytes(4).toString('hex');
const JOB = `genrf-prom-rules-${RUN}`;
const GUIDE_RULES = join(REPO_ROOT, 'deploy/prometheus/genrf-alerts.yaml');
const COLLECTOR_RULES = join(REPO_ROOT, 'deploy/prometheus/collector-alerts.yaml');
const REPLAY_STEP_S = 30;

const SENDER = join(REPO_ROOT, 'test/services/fixtures/genrf_metrics_sender.py');

interface Rule { alert: string; expr: string; for?: string }

describeService(prometheus, 'deploy/prometheus rule files', (env) => {
  it.each([GUIDE_RULES, COLLECTOR_RULES])('promtool check rules %s', async (file) => {
    const { stdout } = await run(env.PROMTOOL!, ['check', 'rules', file]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the guide file has the guide\'s five alerts', async () => {
    const doc = parse(await readFile(GUIDE_RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
    expect(doc.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(['CircuitGenerationDown', 'HighErrorRate', 'SPICESimulationFailures', 'SlowGenerationTime', 'HighGPUMemoryUsage']);
  });
});

describeService(both, 'the guide\'s alert rules on the series the pipeline produced (real Prometheus, Python SDK)', (env) => {
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
      return { series: `${__name__}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`, values };
    });
    const failed = matrix.find((s) => s.metric.__name__ === 'genrf_circuits_generated_total' && s.metric.status === 'failed')!.metric;
    const gpu = matrix.find((s) => s.metric.__name__ === 'genrf_gpu_memory_bytes')!.metric;
    const labelsOf = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== '__name__'));
    const evalTime = `${(steps - 1) * REPLAY_STEP_S}s`;
    const testFile = join(dir, 'guide-alerts.test.yaml');
    await writeFile(testFile, stringify({
      rule_files: [GUIDE_RULES],
      evaluation_interval: `${REPLAY_STEP_S}s`,
      tests: [{
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
      }],
    }));
    const out = await run(env.PROMTOOL ?? prometheus.env.PROMTOOL!, ['test', 'rules', testFile]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${out.stdout}${out.stderr}`).toContain('SUCCESS');
  }, 30_000);
});

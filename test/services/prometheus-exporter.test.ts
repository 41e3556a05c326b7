// The prometheus exporter against a real Prometheus, fed by the real Python OpenTelemetry SDK:
// the guide's metrics sent under OpenTelemetry names are scraped under the guide's names with
// their labels; delta and cumulative senders give the same series; bad data is counted and
// the scrape keeps working.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startDaemon, type Daemon } from '../e2e/helpers/daemon.ts';
import { postOtlp, scrape, metricValue } from '../e2e/helpers/otlp.ts';
import { addScrapeTarget, promQuery, promUntil } from './helpers/prometheus.ts';
import { describeService, eventually, REPO_ROOT, requireService } from './helpers/services.ts';

const prometheus = await requireService('prometheus');
const python = await requireService('python-otel');
const both = prometheus.ok ? python : prometheus;
const run = promisify(execFile);

const RUN = randomBytes(4).toString('hex');
const JOB = `genrf-prom-exporter-${RUN}`;
const SENDER = join(REPO_ROOT, 'test/services/fixtures/genrf_metrics_sender.py');

/** Labels that say which sender and scrape a series came from, not what it measures. */
const ORIGIN = new Set(['__name__', 'job', 'instance', 'exported_instance']);
const what = (m: Record<string, string>) =>
  JSON.stringify(
    Object.entries(m)
      .filter(([k]) => !ORIGIN.has(k))
      .sort(),
  );

describeService(both, 'prometheus exporter -> real Prometheus, fed by the Python OpenTelemetry SDK', (env) => {
  let daemon: Daemon | undefined;
  let targetFile = '';
  let httpPort = 0;
  let promPort = 0;
  let selfPort = 0;
  const url = env.PROMETHEUS_URL ?? prometheus.env.PROMETHEUS_URL!;

  beforeAll(async () => {
    [httpPort, promPort, selfPort] = [await freePort(), await freePort(), await freePort()];
    daemon = await startDaemon(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${httpPort} }
processors:
  batch: { timeout: 100ms }
exporters:
  prometheus: { endpoint: 127.0.0.1:${promPort} }
service:
  telemetry: { metrics: { address: 127.0.0.1:${selfPort} } }
  pipelines:
    metrics: { receivers: [otlp], processors: [batch], exporters: [prometheus] }
`);
    targetFile = await addScrapeTarget(prometheus.env.PROMETHEUS_TARGETS_DIR!, JOB, promPort, { job: JOB });
    // The same measurements from a delta and a cumulative sender, at once.
    const py = python.env.OTEL_PYTHON!;
    await Promise.all(['delta', 'cumulative'].map((t) => run(py, [SENDER, `http://127.0.0.1:${httpPort}`, t, `${t}-${RUN}`, 'guide'], { timeout: 30_000 })));
  }, 60_000);

  afterAll(async () => {
    if (targetFile) await rm(targetFile, { force: true });
    await daemon?.stop();
  });

  const sel = (extra = '') => `job="${JOB}"${extra}`;

  it('scrapes the guide metrics under the guide names, with their labels', async () => {
    // Wait for the final values (3 rounds) from both senders.
    await promUntil(
      url,
      'the final counts of both senders',
      `genrf_circuits_generated_total{${sel(',status="success",circuit_type="LNA"')}}`,
      (r) => r.length === 2 && r.every((s) => s.value[1] === '6'),
      30_000,
      500,
    );
    const one = `,exported_instance="cumulative-${RUN}"`;
    const q = async (expr: string) => promQuery(url, expr);

    const circuits = await q(`genrf_circuits_generated_total{${sel(one)}}`);
    expect(circuits.map((s) => [s.metric.circuit_type, s.metric.technology, s.metric.status, s.value[1]]).sort()).toEqual([
      ['LNA', 'TSMC65nm', 'failed', '3'],
      ['LNA', 'TSMC65nm', 'success', '6'],
      ['mixer', 'GF22FDX', 'success', '3'],
    ]);
    // job / instance from the resource (Prometheus keeps ours as exported_*: the target has its own).
    expect(circuits[0].metric.exported_job).toBe('genrf/genrf-worker');
    expect(circuits[0].metric.otel_scope_name).toBe('genrf.metrics');

    const buckets = await q(`genrf_generation_duration_seconds_bucket{${sel(one)},circuit_type="LNA",optimization_steps="100"}`);
    expect(Object.fromEntries(buckets.map((s) => [s.metric.le, Number(s.value[1])]))).toEqual({
      '1': 0,
      '5': 1,
      '10': 1,
      '30': 1,
      '60': 2,
      '300': 2,
      '900': 3,
      '+Inf': 3,
    });
    expect(Number((await q(`genrf_generation_duration_seconds_sum{${sel(one)}}`))[0].value[1])).toBe(445);

    const sims = await q(`genrf_spice_simulations_total{${sel(one)}}`);
    expect(sims.map((s) => [s.metric.engine, s.metric.circuit_type, s.metric.status, s.value[1]])).toEqual([['ngspice', 'LNA', 'converged', '30']]);
    const conv = await q(`genrf_spice_convergence_failures_total{${sel(one)}}`);
    expect(conv.map((s) => [s.metric.circuit_type, s.metric.failure_type, s.value[1]])).toEqual([['LNA', 'timestep_too_small', '3']]);
    const gpu = await q(`genrf_gpu_memory_bytes{${sel(one)}}`);
    expect(gpu.map((s) => [s.metric.gpu_id, Number(s.value[1])])).toEqual([['0', 5 * 2 ** 30]]);
    const inf = await q(`genrf_model_inference_seconds_bucket{${sel(one)},le="+Inf"}`);
    expect(inf.map((s) => [s.metric.model_type, s.metric.batch_size, s.value[1]])).toEqual([['cvae', '32', '3']]);
    const perf = await q(`genrf_circuit_performance_bucket{${sel(one)}}`);
    expect(Object.fromEntries(perf.map((s) => [s.metric.le, Number(s.value[1])]))).toEqual({
      '0.1': 0,
      '0.5': 1,
      '1': 1,
      '2': 1,
      '5': 2,
      '10': 2,
      '20': 3,
      '50': 3,
      '+Inf': 3,
    });
    expect(perf[0].metric).toMatchObject({ metric_type: 'gain_db', circuit_type: 'LNA', technology: 'TSMC65nm' });
    // The other resource attributes are in target_info.
    const info = await q(`target_info{${sel(one)}}`);
    expect(info[0].metric.host_name).toBe('gpu-node-1');

    // Prometheus scraped OpenMetrics (it asks for it first) without error.
    const targets = (await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> } };
    const target = targets.data.activeTargets.find((t) => t.labels.job === JOB)!;
    expect([target.health, target.lastError]).toEqual(['up', '']);
  }, 60_000);

  it('delta and cumulative senders give the same series', async () => {
    const all = await promQuery(url, `{${sel()},__name__=~"genrf_.*"}`);
    const by = (t: string) => new Map(all.filter((s) => s.metric.exported_instance === `${t}-${RUN}`).map((s) => [`${s.metric.__name__} ${what(s.metric)}`, s.value[1]]));
    const delta = by('delta');
    const cumulative = by('cumulative');
    // Counters 3 + 1 + 1 series, the gauge 1; histograms (buckets with +Inf, _sum, _count): the
    // guide's 7 bounds, the SDK's default 15 (inference), the guide's 8 (performance).
    expect(cumulative.size).toBe(5 + 1 + (8 + 2) + (16 + 2) + (9 + 2));
    expect([...delta].sort()).toEqual([...cumulative].sort());
  }, 30_000);

  it('bad data is counted and logged once; the scrape keeps working', async () => {
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: `bad-${RUN}` } }] };
    const point = (v: number | string, labels: Record<string, string> = {}, start = '1', time = String(Date.now() * 1e6)) => ({
      asDouble: v,
      startTimeUnixNano: start,
      timeUnixNano: time,
      attributes: Object.entries(labels).map(([key, s]) => ({ key, value: { stringValue: s } })),
    });
    const body = (time: number) => ({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope: { name: 'bad.sender' },
              metrics: [
                {
                  name: 'genrf.bad.counter',
                  sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [point('NaN', { k: 'nan' }), point('Infinity', { k: 'inf' }), point(10 - time, { k: 'down' })] },
                },
                { name: 'genrf.bad.gauge', gauge: { dataPoints: [point('-Infinity', { k: 'ninf' })] } },
                {
                  name: 'genrf.bad.histogram',
                  unit: 's',
                  histogram: { aggregationTemporality: 2, dataPoints: [{ ...point(0), asDouble: undefined, count: '5', sum: 1, bucketCounts: ['1', '1'], explicitBounds: [1] }] },
                },
                // The same name as a counter (first) and as a gauge.
                { name: 'genrf.bad.twice', sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [point(1)] } },
                { name: 'genrf.bad.twice_total', gauge: { dataPoints: [point(2)] } },
              ],
            },
          ],
        },
      ],
    });
    for (let i = 0; i < 3; i++) {
      const res = await postOtlp(httpPort, '/v1/metrics', JSON.stringify(body(i)));
      expect(res.status).toBe(200);
    }
    const self = await eventually(
      'the drops counted',
      async () => {
        const text = await scrape(selfPort);
        return metricValue(text, 'genrf_collector_dropped_items_total', { reason: 'type_conflict' }) === 3 ? text : undefined;
      },
      10_000,
    );
    const dropped = (reason: string) => metricValue(self, 'genrf_collector_dropped_items_total', { component: 'exporter/prometheus', reason });
    expect(dropped('non_finite_value')).toBe(6);
    expect(dropped('counter_decreased')).toBe(2);
    expect(dropped('histogram_invalid')).toBe(3);
    const warns = daemon!
      .stderr()
      .split('\n')
      .filter((l) => l.includes('prometheus exporter: metric'));
    expect(warns.filter((l) => l.includes('"reason":"non_finite_value"'))).toHaveLength(1);
    expect(warns.filter((l) => l.includes('"reason":"type_conflict"'))).toHaveLength(1);

    // Prometheus keeps scraping: the counter's good first value and the -Inf gauge are there.
    const down = await promUntil(url, "the bad sender's series", `genrf_bad_counter_total{${sel()},k="down"}`, (r) => r.length > 0, 15_000, 500);
    expect(down[0].value[1]).toBe('10');
    expect((await promQuery(url, `genrf_bad_gauge{${sel()}}`))[0].value[1]).toBe('-Inf');
    expect((await promQuery(url, `genrf_bad_twice_total{${sel()}}`))[0].value[1]).toBe('1');
    expect(await promQuery(url, `genrf_bad_histogram_seconds_count{${sel()}}`)).toEqual([]);
    expect((await promQuery(url, `up{${sel()}}`))[0].value[1]).toBe('1');
  }, 40_000);
});

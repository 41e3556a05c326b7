import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { get, type IncomingHttpHeaders } from 'node:http';
import { prometheusExporterConfig } from '../../../../src/exporters/prometheus/config.ts';
import { PrometheusExporter } from '../../../../src/exporters/prometheus/prometheus-exporter.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { testSettings, type TestSettings } from '../fixtures.ts';
import { find, parseExposition } from './parse.ts';
import { guideInstruments, testSdk } from './sdk.ts';
import { gauge, metrics, sum } from './otlp.ts';

function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const running: PrometheusExporter[] = [];

function exporter(options: Record<string, unknown> = {}, settings: TestSettings = testSettings('prometheus')): PrometheusExporter {
  const config = prometheusExporterConfig.parse({ endpoint: '127.0.0.1:0', ...options });
  return new PrometheusExporter(settings, config, 'metrics');
}

async function started(options: Record<string, unknown> = {}): Promise<PrometheusExporter> {
  const e = exporter(options);
  await e.start();
  running.push(e);
  return e;
}

afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown();
});

describe('prometheus exporter: the guide metrics from the OpenTelemetry SDK', () => {
  it('are written under the guide names with their labels', async () => {
    const sdk = testSdk('cumulative', { 'service.name': 'genrf-worker', 'service.namespace': 'genrf', 'service.instance.id': 'w-1', 'host.name': 'gpu-box' });
    const m = guideInstruments(sdk.meter);
    m.circuits.add(3, { circuit_type: 'LNA', technology: 'TSMC65nm', status: 'success' });
    m.circuits.add(1, { circuit_type: 'LNA', technology: 'TSMC65nm', status: 'failed' });
    m.duration.record(42, { circuit_type: 'LNA', optimization_steps: '100' });
    m.simulations.add(7, { engine: 'ngspice', circuit_type: 'LNA', status: 'ok' });
    m.convergence.add(2, { circuit_type: 'LNA', failure_type: 'timestep' });
    m.gpuMemory.record(6 * 2 ** 30, { gpu_id: '0' });
    m.inference.record(0.02, { model_type: 'diffusion', batch_size: '8' });
    m.performance.record(3.5, { metric_type: 'gain_db', circuit_type: 'LNA', technology: 'TSMC65nm' });
    const e = exporter();
    await e.consume(await sdk.collect());
    const { samples, meta } = parseExposition(e.scrape('text'));

    const ident = { job: 'genrf/genrf-worker', instance: 'w-1', otel_scope_name: 'genrf.metrics', otel_scope_version: '1.2.0' };
    expect(find(samples, 'genrf_circuits_generated_total', { ...ident, circuit_type: 'LNA', technology: 'TSMC65nm', status: 'success' })[0].value).toBe(3);
    expect(find(samples, 'genrf_circuits_generated_total', { status: 'failed' })[0].value).toBe(1);
    const buckets = find(samples, 'genrf_generation_duration_seconds_bucket', { circuit_type: 'LNA', optimization_steps: '100' });
    expect(buckets.map((s) => [s.labels.le, s.value])).toEqual([
      ['1', 0],
      ['5', 0],
      ['10', 0],
      ['30', 0],
      ['60', 1],
      ['300', 1],
      ['900', 1],
      ['+Inf', 1],
    ]);
    expect(find(samples, 'genrf_generation_duration_seconds_sum')[0].value).toBe(42);
    expect(find(samples, 'genrf_generation_duration_seconds_count')[0].value).toBe(1);
    expect(find(samples, 'genrf_spice_simulations_total', { engine: 'ngspice' })[0].value).toBe(7);
    expect(find(samples, 'genrf_spice_convergence_failures_total', { failure_type: 'timestep' })[0].value).toBe(2);
    expect(find(samples, 'genrf_gpu_memory_bytes', { gpu_id: '0' })[0].value).toBe(6 * 2 ** 30);
    expect(find(samples, 'genrf_model_inference_seconds_bucket', { model_type: 'diffusion', le: '+Inf' })[0].value).toBe(1);
    expect(find(samples, 'genrf_circuit_performance_bucket', { metric_type: 'gain_db' }).map((s) => s.labels.le)).toEqual(['0.1', '0.5', '1', '2', '5', '10', '20', '50', '+Inf']);
    // The other resource attributes are in target_info, not on every series.
    expect(find(samples, 'target_info', { job: 'genrf/genrf-worker', instance: 'w-1', host_name: 'gpu-box' })[0].value).toBe(1);
    expect(find(samples, 'genrf_gpu_memory_bytes')[0].labels.host_name).toBeUndefined();
    expect(meta).toContain('# TYPE genrf_circuits_generated_total counter');
    expect(meta).toContain('# TYPE genrf_gpu_memory_bytes gauge');
    expect(meta).toContain('# TYPE genrf_generation_duration_seconds histogram');
    expect(meta).toContain('# HELP genrf_gpu_memory_bytes GPU memory usage');
  });

  it('delta and cumulative senders give the same series', async () => {
    const scrapes: string[] = [];
    for (const temporality of ['delta', 'cumulative'] as const) {
      const sdk = testSdk(temporality);
      const m = guideInstruments(sdk.meter);
      const e = exporter();
      const steps = [
        [1, 12, 3],
        [4, 250, 0.5],
        [2, 1000, 7],
      ];
      for (const [n, seconds, perf] of steps) {
        m.circuits.add(n, { circuit_type: 'mixer', technology: 'GF22', status: 'success' });
        m.simulations.add(n * 10, { engine: 'xyce' });
        m.duration.record(seconds, { circuit_type: 'mixer' });
        m.performance.record(perf, { metric_type: 'nf' });
        await e.consume(await sdk.collect());
      }
      scrapes.push(e.scrape('text'));
    }
    expect(scrapes[0]).toBe(scrapes[1]);
    const { samples } = parseExposition(scrapes[0]);
    expect(find(samples, 'genrf_circuits_generated_total')[0].value).toBe(7);
    expect(find(samples, 'genrf_generation_duration_seconds_bucket', { le: '300' })[0].value).toBe(2);
    expect(find(samples, 'genrf_generation_duration_seconds_count')[0].value).toBe(3);
  });
});

describe('prometheus exporter: HTTP', () => {
  it('answers OpenMetrics when asked, with exemplars, and the text format otherwise; gzip on request', async () => {
    const e = await started();
    const ex = [{ filteredAttributes: [], timeUnixNano: 1_700_000_000_500_000_000n, asDouble: 1, spanId: '00f067aa0ba902b7', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }];
    await e.consume(Batch.of('metrics', metrics([sum('genrf.circuits.generated', '1', [{ value: 5, attrs: { status: 'success' }, exemplars: ex }])])));
    const url = `http://127.0.0.1:${e.port}/metrics`;

    const text = await fetch(url);
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const t = await text.text();
    expect(t).toContain('# TYPE genrf_circuits_generated_total counter\n');
    expect(t).not.toContain('# {');

    // Prometheus 2.x's own Accept header.
    const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const om = await fetch(url, { headers: { accept } });
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const o = await om.text();
    expect(o).toContain('# TYPE genrf_circuits_generated counter\n');
    expect(o).toContain(
      'genrf_circuits_generated_total{otel_scope_name="genrf.test",status="success"} 5 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 1 1700000000.500\n',
    );
    expect(o.endsWith('# EOF\n')).toBe(true);

    // fetch unzips by itself: read the raw bytes with node:http.
    const zipped = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toBe(t);

    expect((await fetch(`http://127.0.0.1:${e.port}/other`)).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });

  it('const_labels, namespace and resource_to_telemetry_conversion', async () => {
    const e = exporter({ namespace: 'lab', const_labels: { region: 'eu' }, resource_to_telemetry_conversion: { enabled: true } });
    await e.consume(Batch.of('metrics', metrics([gauge('gpu.memory', 'By', [{ value: 1, attrs: { gpu_id: '1' } }])], { 'service.name': 'w', 'k8s.pod.name': 'p-1' })));
    const { samples } = parseExposition(e.scrape('text'));
    expect(find(samples, 'lab_gpu_memory_bytes')[0].labels).toEqual({
      job: 'w',
      service_name: 'w',
      k8s_pod_name: 'p-1',
      otel_scope_name: 'genrf.test',
      region: 'eu',
      gpu_id: '1',
    });
  });

  it('a point attribute named like a resource label is kept as exported_<name>, the scrape stays valid', async () => {
    const e = exporter();
    await e.consume(Batch.of('metrics', metrics([gauge('g', '', [{ value: 1, attrs: { job: 'mine', a: 'x' } }])], { 'service.name': 'svc' })));
    const s = find(parseExposition(e.scrape('text')).samples, 'g')[0];
    expect(s.labels.job).toBe('svc');
    expect(s.labels.exported_job).toBe('mine');
  });
});

describe('prometheus exporter: exponential histograms and summaries', () => {
  it('an exponential histogram becomes classic buckets that hold every observation', async () => {
    const e = exporter();
    const point = {
      attributes: [],
      startTimeUnixNano: 1n,
      timeUnixNano: 2n,
      count: 6,
      sum: 10.5,
      scale: 1,
      zeroCount: 1,
      zeroThreshold: 0,
      // scale 1: base √2; positive index 0 = (1, 1.414], 1 = (1.414, 2], 2 = (2, 2.83]; negative index 0 = [-1.414, -1)
      positive: { offset: 0, bucketCounts: [1, 2, 1] },
      negative: { offset: 0, bucketCounts: [1] },
      flags: 0,
      exemplars: [],
    };
    await e.consume(Batch.of('metrics', metrics([{ name: 'lat', description: '', unit: 's', metadata: [], exponentialHistogram: { dataPoints: [point], aggregationTemporality: 2 } }])));
    const { samples } = parseExposition(e.scrape('text'));
    const buckets = find(samples, 'lat_seconds_bucket').map((s) => [Number(s.labels.le === '+Inf' ? Infinity : s.labels.le), s.value]);
    expect(buckets).toEqual(
      [
        [-1, 1],
        [0, 2],
        [Math.SQRT2, 3],
        [2, 5],
        [2 * Math.SQRT2, 6],
        [Infinity, 6],
      ].map(([le, v]) => [le, v]),
    );
    expect(find(samples, 'lat_seconds_count')[0].value).toBe(6);
  });

  it('summaries keep their quantiles', async () => {
    const e = exporter();
    const point = {
      attributes: [],
      startTimeUnixNano: 1n,
      timeUnixNano: 2n,
      count: 10,
      sum: 55,
      quantileValues: [
        { quantile: 0.5, value: 5 },
        { quantile: 0.99, value: 9.9 },
      ],
      flags: 0,
    };
    await e.consume(Batch.of('metrics', metrics([{ name: 'rpc.latency', description: '', unit: 'ms', metadata: [], summary: { dataPoints: [point] } }])));
    const text = e.scrape('text');
    expect(text).toContain('# TYPE rpc_latency_milliseconds summary\n');
    expect(text).toContain('rpc_latency_milliseconds{otel_scope_name="genrf.test",quantile="0.99"} 9.9\n');
    expect(text).toContain('rpc_latency_milliseconds_count{otel_scope_name="genrf.test"} 10\n');
  });
});

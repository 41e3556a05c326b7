// Span metrics in a real Prometheus: spans with known durations go through the daemon's
// spanmetrics connector and prometheus exporter; Prometheus scrapes it (file_sd target), and
// histogram_quantile(0.95, …) grouped by circuit_type lands in the expected bucket.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeProto } from '../../src/pdata/proto/index.ts';
import type { KeyValue, Span } from '../../src/pdata/types.ts';
import { freePort, startDaemon, type Daemon } from '../e2e/helpers/daemon.ts';
import { postOtlp } from '../e2e/helpers/otlp.ts';
import { addScrapeTarget, promQuery, promUntil } from './helpers/prometheus.ts';
import { describeService, requireService } from './helpers/services.ts';

const prometheus = await requireService('prometheus');

const RUN = randomBytes(4).toString('hex');
const SERVICE = `genrf-worker-sm-${RUN}`;
const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

// The known durations (seconds) and where their 95th percentile falls among the guide's
// buckets [1, 5, 10, 30, 60, 300, 900]:
//   LNA:   10 × 2s, 8 × 7s, 2 × 20s  -> cumulative ≤5: 10, ≤10: 18, ≤30: 20; rank 19 -> (10, 30], 20 by interpolation
//   mixer: 20 × 45s                 -> all in (30, 60]; rank 19 -> 58.5
//   VCO:   19 × 0.5s, 1 × 400s      -> ≤1: 19, ≤900: 20; rank 19 -> exactly 1 (upper bound of the first bucket)
const SETS: Record<string, number[]> = {
  LNA: [...Array(10).fill(2), ...Array(8).fill(7), 20, 20],
  mixer: Array(20).fill(45),
  VCO: [...Array(19).fill(0.5), 400],
};

function spans(): Span[] {
  const out: Span[] = [];
  let n = 0;
  const base = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  for (const [type, durations] of Object.entries(SETS)) {
    for (const d of durations) {
      n++;
      const start = base + BigInt(n) * 1_000_000_000n;
      const id = n.toString(16).padStart(16, '0');
      const span = (name: string, spanId: string, parent: string, end: bigint, attrs: KeyValue[]): Span => ({
        traceId: RUN.padStart(16, '0') + id,
        spanId,
        traceState: '',
        parentSpanId: parent,
        flags: 1,
        name,
        kind: 1,
        startTimeUnixNano: start,
        endTimeUnixNano: end,
        attributes: attrs,
        droppedAttributesCount: 0,
        events: [],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        status: { message: '', code: 0 },
      });
      out.push(span('generate_circuit', id, '', start + BigInt(Math.round(d * 1e9)), [s('circuit.type', type)]));
      // A child with another name: it must not land in generate_circuit's histogram.
      out.push(span('spice_validation', `f${id.slice(1)}`, id, start + 1_000_000n, [s('circuit.type', type)]));
    }
  }
  return out;
}

describeService(prometheus, 'spanmetrics -> prometheus exporter -> real Prometheus', (env) => {
  let daemon: Daemon | undefined;
  let targetFile = '';
  let httpPort = 0;

  beforeAll(async () => {
    httpPort = await freePort();
    const promPort = await freePort();
    daemon = await startDaemon(`
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${httpPort} }
connectors:
  spanmetrics:
    metrics_flush_interval: 500ms
    histogram:
      unit: s
      explicit: { buckets: [1s, 5s, 10s, 30s, 60s, 300s, 900s] }
    dimensions: [{ name: circuit.type }]
exporters:
  prometheus: { endpoint: 127.0.0.1:${promPort} }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    traces: { receivers: [otlp], exporters: [spanmetrics] }
    metrics: { receivers: [spanmetrics], exporters: [prometheus] }
`);
    targetFile = await addScrapeTarget(env.PROMETHEUS_TARGETS_DIR!, `genrf-spanmetrics-${RUN}`, promPort, { genrf_test: `spanmetrics-${RUN}` });
  }, 30_000);

  afterAll(async () => {
    if (targetFile) await rm(targetFile, { force: true });
    await daemon?.stop();
  });

  it('histogram_quantile(0.95) of generate_circuit by circuit_type is in the expected bucket; calls are counted', async () => {
    const body = encodeProto('traces', {
      resourceSpans: [
        {
          resource: { attributes: [s('service.name', SERVICE)], droppedAttributesCount: 0 },
          scopeSpans: [{ scope: { name: 'genrf.generator', version: '1', attributes: [], droppedAttributesCount: 0 }, spans: spans(), schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    });
    expect((await postOtlp(httpPort, '/v1/traces', body)).status).toBe(200);

    const url = env.PROMETHEUS_URL!;
    const sel = `service_name="${SERVICE}",span_name="generate_circuit"`;
    const calls = await promUntil(
      url,
      'all 60 generate_circuit calls scraped',
      `sum by (circuit_type) (traces_span_metrics_calls_total{${sel}})`,
      (r) => r.reduce((n, x) => n + Number(x.value[1]), 0) === 60,
      30_000,
      500,
    );
    expect(Object.fromEntries(calls.map((r) => [r.metric.circuit_type, Number(r.value[1])]))).toEqual({ LNA: 20, mixer: 20, VCO: 20 });

    const p95 = await promQuery(url, `histogram_quantile(0.95, sum by (le, circuit_type) (traces_span_metrics_duration_seconds_bucket{${sel}}))`);
    const byType = Object.fromEntries(p95.map((r) => [r.metric.circuit_type, Number(r.value[1])]));
    expect(Object.keys(byType).sort()).toEqual(['LNA', 'VCO', 'mixer']);
    // LNA: the (10, 30] bucket; mixer: (30, 60]; VCO: the first bucket's upper bound.
    expect(byType.LNA).toBeGreaterThan(10);
    expect(byType.LNA).toBeLessThanOrEqual(30);
    expect(byType.LNA).toBeCloseTo(20, 6);
    expect(byType.mixer).toBeGreaterThan(30);
    expect(byType.mixer).toBeLessThanOrEqual(60);
    expect(byType.VCO).toBeCloseTo(1, 6);

    // The children (1 ms each) are their own series, all in the first bucket.
    const child = await promQuery(url, `sum(traces_span_metrics_duration_seconds_bucket{service_name="${SERVICE}",span_name="spice_validation",le="1"})`);
    expect(Number(child[0]?.value[1])).toBe(60);
    // The sum is in seconds: LNA 10×2 + 8×7 + 2×20 = 116.
    const sum = await promQuery(url, `traces_span_metrics_duration_seconds_sum{${sel},circuit_type="LNA"}`);
    expect(Number(sum[0]?.value[1])).toBeCloseTo(116, 6);
  }, 60_000);
});

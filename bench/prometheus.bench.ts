// Prometheus exporter: data points per second into the series store (counters, histograms,
// delta accumulation) and the time to render a scrape of 10,000 series in each format.
// Run alone: node -e "import('./bench/prometheus.bench.ts').then(async m => console.table(await m.runPrometheusBench()))"
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { prometheusExporterConfig } from '../src/exporters/prometheus/config.ts';
import { PrometheusExporter } from '../src/exporters/prometheus/prometheus-exporter.ts';
import { Batch } from '../src/pdata/batch.ts';
import type { Metric, MetricsData } from '../src/pdata/types.ts';
import { parseComponentId, type ComponentId } from '../src/pipeline/component-id.ts';
import { SelfMetrics } from '../src/telemetry/metrics.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

const SERIES = 10_000;
const BOUNDS = [1, 5, 10, 30, 60, 300, 900];

function exporter(): PrometheusExporter {
  const settings = { id: parseComponentId('prometheus') as ComponentId, logger: pino({ level: 'silent' }), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 };
  return new PrometheusExporter(settings, prometheusExporterConfig.parse({ endpoint: '127.0.0.1:0' }), 'metrics');
}

const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

/** `n` points of one metric kind over `series` label sets (circuit_type × technology × status × shard). */
function data(kind: 'counter' | 'histogram', n: number, series: number, round: number, delta = false): MetricsData {
  const time = 1_700_000_000_000_000_000n + BigInt(round) * 1_000_000_000n;
  const start = delta ? time - 1_000_000_000n : 1_600_000_000_000_000_000n;
  const points = [];
  for (let i = 0; i < n; i++) {
    const k = (round * n + i) % series;
    const attributes = [str('circuit_type', `type-${k % 10}`), str('shard', String(Math.floor(k / 40))), str('status', k % 4 === 0 ? 'failed' : 'success'), str('technology', `tech-${k % 4}`)];
    if (kind === 'counter') points.push({ attributes, startTimeUnixNano: start, timeUnixNano: time, asDouble: delta ? 1 : round + 1, exemplars: [], flags: 0 });
    else
      points.push({
        attributes,
        startTimeUnixNano: start,
        timeUnixNano: time,
        count: 8,
        sum: 100,
        bucketCounts: [1, 1, 1, 1, 1, 1, 1, 1],
        explicitBounds: BOUNDS,
        exemplars: [],
        flags: 0,
        min: undefined,
        max: undefined,
      });
  }
  const metric: Metric =
    kind === 'counter'
      ? {
          name: 'genrf.circuits.generated',
          description: 'Total circuits generated',
          unit: '1',
          metadata: [],
          sum: { dataPoints: points as never, aggregationTemporality: delta ? 1 : 2, isMonotonic: true },
        }
      : {
          name: 'genrf.generation.duration',
          description: 'Time spent generating circuits',
          unit: 's',
          metadata: [],
          histogram: { dataPoints: points as never, aggregationTemporality: delta ? 1 : 2 },
        };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'genrf-worker'), str('service.instance.id', 'w-1'), str('host.name', 'gpu-1')], droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'genrf.metrics', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, metrics: [metric], schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

async function pointsPerSecond(kind: 'counter' | 'histogram', delta: boolean): Promise<number> {
  const e = exporter();
  const perBatch = 1000;
  // Batches are built first: the figure is the exporter's work, not building test data.
  const batches = Array.from({ length: 200 }, (_, r) => Batch.of('metrics', data(kind, perBatch, SERIES, r, delta), perBatch));
  for (const b of batches.slice(0, 20)) await e.consume(b); // warm-up
  const t0 = performance.now();
  for (const b of batches.slice(20)) await e.consume(b);
  const ms = performance.now() - t0;
  return Math.round((180 * perBatch) / (ms / 1000));
}

function timeIt(fn: () => unknown, rounds = 20): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - t0) / rounds;
}

export async function runPrometheusBench(): Promise<Figure[]> {
  const out: Figure[] = [];
  out.push({ name: 'prometheus: counter points into the exporter (cumulative)', value: await pointsPerSecond('counter', false), unit: 'points/s' });
  out.push({ name: 'prometheus: counter points into the exporter (delta, accumulated)', value: await pointsPerSecond('counter', true), unit: 'points/s' });
  out.push({ name: 'prometheus: histogram points into the exporter (7 bounds, cumulative)', value: await pointsPerSecond('histogram', false), unit: 'points/s' });

  const counters = exporter();
  await counters.consume(Batch.of('metrics', data('counter', SERIES, SERIES, 0)));
  const round = (v: number) => Math.round(v * 100) / 100;
  // Buffer.from: the rendered string is a rope until it is flattened and encoded for the socket.
  out.push({ name: 'prometheus: render + encode 10,000 counter series, text 0.0.4', value: round(timeIt(() => Buffer.from(counters.scrape('text')))), unit: 'ms' });
  out.push({ name: 'prometheus: render + encode 10,000 counter series, OpenMetrics', value: round(timeIt(() => Buffer.from(counters.scrape('openmetrics')))), unit: 'ms' });
  out.push({ name: 'prometheus: gzip of that scrape', value: round(timeIt(() => gzipSync(counters.scrape('text')), 5)), unit: 'ms' });
  out.push({ name: 'prometheus: size of that scrape (text)', value: Math.round(counters.scrape('text').length / 1024), unit: 'KiB' });

  const histos = exporter();
  await histos.consume(Batch.of('metrics', data('histogram', SERIES, SERIES, 0)));
  out.push({ name: 'prometheus: render + encode 10,000 histogram series (100,000 lines)', value: round(timeIt(() => Buffer.from(histos.scrape('text')), 5)), unit: 'ms' });
  return out;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { spanMetricsConnectorFactory } from '../../../../src/connectors/spanmetrics/factory.ts';
import type { SpanMetricsConnector } from '../../../../src/connectors/spanmetrics/spanmetrics.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { encodeProto } from '../../../../src/pdata/proto/index.ts';
import type { HistogramDataPoint, KeyValue, MetricsData, NumberDataPoint } from '../../../../src/pdata/types.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import { testSettings } from '../../../helpers/settings.ts';
import { until } from '../../../helpers/wait.ts';
import { metricValue } from '../../exporters/fixtures.ts';
import { attr, span, traces } from './spans.ts';

const host = { components: () => [] };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const s of stops.splice(0)) await s();
});

class Sink implements Consumer {
  readonly mutates = false;
  readonly got: MetricsData[] = [];
  refuse: ConsumerError | undefined;
  async consume(batch: Batch): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.got.push(batch.data as MetricsData);
  }
  get last(): MetricsData {
    return this.got[this.got.length - 1];
  }
}

function connector(config: Record<string, unknown> = {}, id = 'spanmetrics') {
  const settings = testSettings(id);
  const sink = new Sink();
  const parsed = spanMetricsConnectorFactory.config.parse({ metrics_flush_interval: '1h', ...config });
  const conn = spanMetricsConnectorFactory.create(settings, parsed, 'traces', 'metrics', { all: sink, byPipeline: new Map([['metrics', sink]]) }) as SpanMetricsConnector;
  stops.push(() => conn.shutdown());
  return { conn, sink, settings };
}

const plain = (attrs: KeyValue[]) => Object.fromEntries(attrs.map((kv) => [kv.key, kv.value.stringValue ?? kv.value.boolValue ?? kv.value.intValue ?? kv.value.doubleValue]));

/** Every data point of the metric, with its attributes as a plain object. */
function points<T extends NumberDataPoint | HistogramDataPoint>(data: MetricsData, name: string): Array<T & { dims: Record<string, unknown>; resourceAttrs: Record<string, unknown> }> {
  const out: Array<T & { dims: Record<string, unknown>; resourceAttrs: Record<string, unknown> }> = [];
  for (const rm of data.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.name !== name) continue;
        const dps = (m.sum?.dataPoints ?? m.histogram?.dataPoints ?? []) as T[];
        for (const dp of dps) out.push({ ...dp, dims: plain(dp.attributes), resourceAttrs: plain(rm.resource.attributes) });
      }
    }
  }
  return out;
}

const calls = (d: MetricsData, ns = 'traces.span.metrics') => points<NumberDataPoint>(d, `${ns}.calls`);
const durations = (d: MetricsData, ns = 'traces.span.metrics') => points<HistogramDataPoint>(d, `${ns}.duration`);

describe('spanmetrics connector: config', () => {
  it('has otelcol keys with our defaults: namespace, seconds, otelcol buckets, 15s flush, 1000 series', () => {
    const c = spanMetricsConnectorFactory.config.parse({});
    expect(c.namespace).toBe('traces.span.metrics');
    expect(c.histogram.unit).toBe('s');
    expect(c.histogram.explicit.buckets[0]).toBe(2_000_000); // 2ms in ns
    expect(c.histogram.explicit.buckets.at(-1)).toBe(15_000_000_000);
    expect(c.metrics_flush_interval).toBe(15_000);
    expect(c.dimensions_cache_size).toBe(1000);
    expect(c.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
  });

  it('refuses duplicate or default-named dimensions, unsorted buckets, exponential histograms', () => {
    const issues = (cfg: unknown) => spanMetricsConnectorFactory.config.safeParse(cfg).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ dimensions: [{ name: 'span.kind' }] })).toEqual([expect.stringMatching(/^dimensions\.0\.name: duplicate dimension "span.kind"/)]);
    expect(issues({ dimensions: [{ name: 'circuit.type' }, { name: 'circuit.type' }] })[0]).toMatch(/^dimensions\.1\.name: duplicate/);
    expect(issues({ histogram: { explicit: { buckets: ['1s', '500ms'] } } })[0]).toMatch(/^histogram\.explicit\.buckets\.1: .*strictly increasing/);
    expect(issues({ histogram: { explicit: { buckets: ['fast'] } } })[0]).toMatch(/"fast" is not a positive duration/);
    expect(issues({ histogram: { exponential: { max_size: 160 } } })[0]).toMatch(/^histogram\.exponential: exponential histograms are not supported/);
    expect(issues({ exclude_dimensions: ['host.name'] })[0]).toMatch(/^exclude_dimensions\.0/);
  });
});

describe('spanmetrics connector: metrics from spans', () => {
  it('counts calls and buckets durations per service, span name, kind, status and circuit.type', async () => {
    const { conn, sink } = connector({
      dimensions: [{ name: 'circuit.type' }],
      histogram: { explicit: { buckets: ['1s', '5s', '10s', '30s', '60s', '300s', '900s'] } },
    });
    await conn.consume(
      Batch.of(
        'traces',
        traces([
          span('generate_circuit', 800, { attrs: [attr('circuit.type', 'LNA'), attr('circuit.frequency', 2.4e9)] }),
          span('generate_circuit', 4_000, { attrs: [attr('circuit.type', 'LNA')] }),
          span('generate_circuit', 20_000, { attrs: [attr('circuit.type', 'LNA')], status: 2 }),
          span('generate_circuit', 45_000, { attrs: [attr('circuit.type', 'mixer')] }),
          span('topology_generation', 100),
        ]),
      ),
    );
    await conn.flush();
    expect(sink.got).toHaveLength(1);
    const c = calls(sink.last);
    const byKey = (dims: Record<string, unknown>) => JSON.stringify(dims);
    expect(new Map(c.map((p) => [byKey(p.dims), Number(p.asInt)]))).toEqual(
      new Map([
        [byKey({ 'service.name': 'genrf-worker', 'span.name': 'generate_circuit', 'span.kind': 'SPAN_KIND_INTERNAL', 'status.code': 'STATUS_CODE_UNSET', 'circuit.type': 'LNA' }), 2],
        [byKey({ 'service.name': 'genrf-worker', 'span.name': 'generate_circuit', 'span.kind': 'SPAN_KIND_INTERNAL', 'status.code': 'STATUS_CODE_ERROR', 'circuit.type': 'LNA' }), 1],
        [byKey({ 'service.name': 'genrf-worker', 'span.name': 'generate_circuit', 'span.kind': 'SPAN_KIND_INTERNAL', 'status.code': 'STATUS_CODE_UNSET', 'circuit.type': 'mixer' }), 1],
        // No circuit.type on the span and no default: the dimension is left out.
        [byKey({ 'service.name': 'genrf-worker', 'span.name': 'topology_generation', 'span.kind': 'SPAN_KIND_INTERNAL', 'status.code': 'STATUS_CODE_UNSET' }), 1],
      ]),
    );
    const lnaOk = durations(sink.last).find((p) => p.dims['circuit.type'] === 'LNA' && p.dims['status.code'] === 'STATUS_CODE_UNSET')!;
    expect(lnaOk.explicitBounds).toEqual([1, 5, 10, 30, 60, 300, 900]);
    expect(lnaOk.bucketCounts).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(lnaOk.count).toBe(2);
    expect(lnaOk.sum).toBeCloseTo(4.8, 9);
    const mixer = durations(sink.last).find((p) => p.dims['circuit.type'] === 'mixer')!;
    expect(mixer.bucketCounts).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    const metric = sink.last.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metric.map((m) => [m.name, m.unit])).toEqual([
      ['traces.span.metrics.calls', ''],
      ['traces.span.metrics.duration', 's'],
    ]);
    expect(metric[0].sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    expect(sink.last.resourceMetrics[0].resource.attributes).toEqual([attr('service.name', 'genrf-worker')]);
  });

  it("a duration equal to a bound falls in that bound's bucket (le is inclusive), in milliseconds when asked", async () => {
    const { conn, sink } = connector({ histogram: { unit: 'ms', explicit: { buckets: ['10ms', '100ms'] } } });
    await conn.consume(Batch.of('traces', traces([span('a', 10), span('a', 10.000001), span('a', 100), span('a', 1000)])));
    await conn.flush();
    const [d] = durations(sink.last);
    expect(d.explicitBounds).toEqual([10, 100]);
    expect(d.bucketCounts).toEqual([1, 2, 1]);
    expect(d.sum).toBeCloseTo(1120.000001, 6);
    expect(sink.last.resourceMetrics[0].scopeMetrics[0].metrics[1].unit).toBe('ms');
  });

  it('takes a dimension from the span, else the resource, else its default; keeps non-string types', async () => {
    const { conn, sink } = connector({ dimensions: [{ name: 'technology', default: 'unknown' }, { name: 'host.name' }, { name: 'optimization.steps' }] });
    await conn.consume(
      Batch.of(
        'traces',
        traces(
          [span('s1', 1, { attrs: [attr('technology', 'tsmc65'), attr('host.name', 'span-host'), attr('optimization.steps', 100n)] }), span('s2', 1)],
          [attr('service.name', 'w'), attr('host.name', 'gpu-node-1')],
        ),
      ),
    );
    await conn.flush();
    const c = calls(sink.last);
    expect(c.find((p) => p.dims['span.name'] === 's1')!.dims).toMatchObject({ technology: 'tsmc65', 'host.name': 'span-host', 'optimization.steps': 100n });
    const s2 = c.find((p) => p.dims['span.name'] === 's2')!;
    expect(s2.dims).toMatchObject({ technology: 'unknown', 'host.name': 'gpu-node-1' });
    expect('optimization.steps' in s2.dims).toBe(false);
  });

  it('exclude_dimensions merges series; a resource without service.name counts as unknown_service', async () => {
    const { conn, sink } = connector({ exclude_dimensions: ['status.code', 'span.kind'] });
    await conn.consume(Batch.of('traces', traces([span('a', 1, { status: 1 }), span('a', 1, { status: 2, kind: 2 })], [])));
    await conn.flush();
    const c = calls(sink.last);
    expect(c).toHaveLength(1);
    expect(c[0].dims).toEqual({ 'service.name': 'unknown_service', 'span.name': 'a' });
    expect(Number(c[0].asInt)).toBe(2);
  });

  it('reads spans of a protobuf batch and leaves the batch as it was', async () => {
    const { conn, sink } = connector();
    const data = traces([span('a', 3), span('b', 4)]);
    const bytes = encodeProto('traces', data);
    const copy = Uint8Array.from(bytes);
    const batch = Batch.fromProto('traces', bytes);
    await conn.consume(batch);
    expect(Buffer.from(batch.toProto()).equals(Buffer.from(copy))).toBe(true);
    await conn.flush();
    expect(
      calls(sink.last)
        .map((p) => p.dims['span.name'])
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('cumulative: totals grow across flushes from one start time; delta: each flush starts again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const cum = connector();
    await cum.conn.consume(Batch.of('traces', traces([span('a', 1), span('a', 1)])));
    await cum.conn.flush();
    vi.advanceTimersByTime(5);
    await cum.conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await cum.conn.flush();
    const [first, second] = cum.sink.got.map((d) => calls(d)[0]);
    expect([Number(first.asInt), Number(second.asInt)]).toEqual([2, 3]);
    expect(second.startTimeUnixNano).toBe(first.startTimeUnixNano);
    expect(second.timeUnixNano > first.timeUnixNano).toBe(true);
    // The emitted data is a copy: changing it does not change the next flush.
    first.attributes[0].value.stringValue = 'changed';
    await cum.conn.flush();
    expect(calls(cum.sink.last)[0].dims['service.name']).toBe('genrf-worker');

    const delta = connector({ aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA' });
    await delta.conn.consume(Batch.of('traces', traces([span('a', 1), span('a', 1)])));
    await delta.conn.flush();
    await delta.conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await delta.conn.flush();
    await delta.conn.flush(); // nothing new: nothing sent
    const d = delta.sink.got.map((x) => calls(x)[0]);
    expect(d.map((p) => Number(p.asInt))).toEqual([2, 1]);
    expect(d[1].startTimeUnixNano).toBe(d[0].timeUnixNano);
    expect(delta.sink.got[0].resourceMetrics[0].scopeMetrics[0].metrics[0].sum!.aggregationTemporality).toBe(1);
  });

  it('bounds the series: new dimension sets beyond dimensions_cache_size go to one overflow series, counted and logged once', async () => {
    const { conn, sink, settings } = connector({ dimensions_cache_size: 2 });
    await conn.consume(Batch.of('traces', traces(['a', 'b', 'c', 'd', 'a', 'e'].map((n) => span(n, 1)))));
    await conn.consume(Batch.of('traces', traces([span('f', 1)], [attr('service.name', 'other')])));
    await conn.flush();
    const c = calls(sink.last);
    expect(c.map((p) => [p.dims, Number(p.asInt)])).toEqual([
      [expect.objectContaining({ 'span.name': 'a' }), 2],
      [expect.objectContaining({ 'span.name': 'b' }), 1],
      [{ 'otel.metric.overflow': true }, 4],
    ]);
    expect(durations(sink.last).find((p) => p.dims['otel.metric.overflow'])!.count).toBe(4);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'component="connector/spanmetrics"', 'reason="series_limit"')).toBe(4);
    expect(settings.logs.filter((l) => String(l.msg).includes('series reached'))).toHaveLength(1);
  });

  it('metrics_expiration forgets idle series and frees their room', async () => {
    const { conn, sink } = connector({ metrics_flush_interval: '10ms', metrics_expiration: '20ms', dimensions_cache_size: 1 });
    await conn.consume(Batch.of('traces', traces([span('old', 1)])));
    await conn.flush(); // seen in flush interval 0
    await conn.flush(); // idle for 1 interval (10ms): kept
    expect(calls(sink.last).map((p) => p.dims['span.name'])).toEqual(['old']);
    await conn.flush(); // idle for 2 intervals (20ms): forgotten
    await conn.consume(Batch.of('traces', traces([span('new', 1)])));
    await conn.flush();
    expect(calls(sink.last).map((p) => p.dims['span.name'] ?? 'overflow')).toEqual(['new']);
  });

  it('emits on the flush interval, and a final time on shutdown; no timer is left behind', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { conn, sink } = connector({ metrics_flush_interval: '40ms' });
    await conn.start(host);
    await conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await vi.advanceTimersByTimeAsync(39);
    expect(sink.got).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => sink.got.length === 1, 5000, 'a timed flush');
    await conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await conn.shutdown();
    expect(sink.got).toHaveLength(2);
    expect(Number(calls(sink.last)[0].asInt)).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a refused flush: cumulative keeps the totals for the next one; delta counts the points as dropped; health says so', async () => {
    const cum = connector({}, 'spanmetrics/cum');
    cum.sink.refuse = ConsumerError.retryable('queue_full', 'full');
    await cum.conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await cum.conn.flush();
    expect(cum.conn.health()).toEqual({ healthy: false, message: expect.stringContaining('full') });
    cum.sink.refuse = undefined;
    await cum.conn.flush();
    expect(Number(calls(cum.sink.last)[0].asInt)).toBe(1);
    expect(cum.conn.health().healthy).toBe(true);

    const delta = connector({ aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA' }, 'spanmetrics/delta');
    delta.sink.refuse = ConsumerError.retryable('queue_full', 'full');
    await delta.conn.consume(Batch.of('traces', traces([span('a', 1)])));
    await delta.conn.flush();
    expect(await metricValue(delta.settings, 'genrf_collector_dropped_items_total', 'component="connector/spanmetrics/delta"', 'reason="queue_full"')).toBe(2);
  });

  it('resource_metrics_key_attributes: resources equal on those attributes share series; only they are kept', async () => {
    const { conn, sink } = connector({ resource_metrics_key_attributes: ['service.name'] });
    await conn.consume(Batch.of('traces', traces([span('a', 1)], [attr('service.name', 'w'), attr('process.pid', 11n)])));
    await conn.consume(Batch.of('traces', traces([span('a', 1)], [attr('service.name', 'w'), attr('process.pid', 12n)])));
    await conn.flush();
    expect(sink.last.resourceMetrics).toHaveLength(1);
    expect(sink.last.resourceMetrics[0].resource.attributes).toEqual([attr('service.name', 'w')]);
    expect(Number(calls(sink.last)[0].asInt)).toBe(2);
  });
});

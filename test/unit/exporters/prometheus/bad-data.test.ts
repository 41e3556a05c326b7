import { describe, expect, it, vi } from 'vitest';
import { prometheusExporterConfig } from '../../../../src/exporters/prometheus/config.ts';
import { PrometheusExporter } from '../../../../src/exporters/prometheus/prometheus-exporter.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import type { Metric } from '../../../../src/pdata/types.ts';
import { metricValue, testSettings, type TestSettings } from '../fixtures.ts';
import { find, parseExposition } from './parse.ts';
import { gauge, histogram, metrics, sum } from './otlp.ts';

function setup(options: Record<string, unknown> = {}): { e: PrometheusExporter; settings: TestSettings; send(list: Metric[]): Promise<void> } {
  const settings = testSettings('prometheus');
  const e = new PrometheusExporter(settings, prometheusExporterConfig.parse({ endpoint: '127.0.0.1:0', ...options }), 'metrics');
  return { e, settings, send: (list) => e.consume(Batch.of('metrics', metrics(list))) };
}

const dropped = (s: TestSettings, reason: string) => metricValue(s, 'genrf_collector_dropped_items_total', 'component="exporter/prometheus"', `reason="${reason}"`);
const warnings = (s: TestSettings, reason: string) => s.logs.filter((l) => l.level === 40 && l.reason === reason);

/** Every scrape, in both formats, parses; returns the text one. */
function scrapeBoth(e: PrometheusExporter) {
  parseExposition(e.scrape('openmetrics'));
  return parseExposition(e.scrape('text')).samples;
}

describe('prometheus exporter: bad data is left out, counted, logged once; the scrape never fails', () => {
  it('NaN and ±Inf: dropped from counters, passed on for gauges (Prometheus stores them)', async () => {
    const { e, settings, send } = setup();
    for (let i = 0; i < 3; i++) {
      await send([
        sum('jobs', '1', [
          { value: NaN, attrs: { k: 'nan' } },
          { value: Infinity, attrs: { k: 'inf' } },
          { value: 4, attrs: { k: 'ok' } },
        ]),
        gauge('temp', 'Cel', [
          { value: NaN, attrs: { k: 'nan' } },
          { value: -Infinity, attrs: { k: 'ninf' } },
        ]),
      ]);
    }
    const samples = scrapeBoth(e);
    expect(find(samples, 'jobs_total').map((s) => s.labels.k)).toEqual(['ok']);
    expect(find(samples, 'temp_celsius', { k: 'nan' })[0].value).toBeNaN();
    expect(find(samples, 'temp_celsius', { k: 'ninf' })[0].value).toBe(-Infinity);
    expect(await dropped(settings, 'non_finite_value')).toBe(6);
    expect(warnings(settings, 'non_finite_value')).toHaveLength(1);
    expect(warnings(settings, 'non_finite_value')[0].msg).toContain('metric "jobs_total"');
  });

  it('a counter that goes down keeps its last good value; a new start time is a reset', async () => {
    const { e, settings, send } = setup();
    await send([sum('circuits', '1', [{ value: 10, start: 1n }])]);
    await send([sum('circuits', '1', [{ value: 7, start: 1n }])]);
    expect(find(scrapeBoth(e), 'circuits_total')[0].value).toBe(10);
    expect(await dropped(settings, 'counter_decreased')).toBe(1);
    await send([sum('circuits', '1', [{ value: 2, start: 5n }])]);
    expect(find(scrapeBoth(e), 'circuits_total')[0].value).toBe(2);
    // A negative delta is a counter going down too.
    await send([
      sum(
        'delta.circuits',
        '1',
        [
          { value: 3, start: 1n, time: 2n },
          { value: -1, start: 2n, time: 3n },
        ],
        { delta: true },
      ),
    ]);
    expect(find(scrapeBoth(e), 'delta_circuits_total')[0].value).toBe(3);
    expect(await dropped(settings, 'counter_decreased')).toBe(2);
  });

  it('a histogram whose bucket counts do not add up is dropped; the good one next to it is kept', async () => {
    const { e, settings, send } = setup();
    await send([
      histogram('lat', 's', [
        { count: 5, sum: 3, explicitBounds: [1, 2], bucketCounts: [1, 1, 1], attributes: [{ key: 'k', value: { stringValue: 'bad' } }] },
        { count: 3, sum: 3, explicitBounds: [2, 1], bucketCounts: [1, 1, 1], attributes: [{ key: 'k', value: { stringValue: 'unordered' } }] },
        { count: 2, sum: 3, explicitBounds: [1, 2], bucketCounts: [1, 1], attributes: [{ key: 'k', value: { stringValue: 'short' } }] },
        { count: 3, sum: 3, explicitBounds: [1, 2], bucketCounts: [1, 1, 1], attributes: [{ key: 'k', value: { stringValue: 'good' } }] },
      ]),
    ]);
    const samples = scrapeBoth(e);
    expect(find(samples, 'lat_seconds_count').map((s) => s.labels.k)).toEqual(['good']);
    expect(find(samples, 'lat_seconds_bucket', { k: 'good' }).map((s) => s.value)).toEqual([1, 2, 3]);
    expect(await dropped(settings, 'histogram_invalid')).toBe(3);
    expect(warnings(settings, 'histogram_invalid')).toHaveLength(1);
  });

  it('the same name as counter and gauge: the first type keeps it, the other is dropped and counted', async () => {
    const { e, settings, send } = setup();
    for (let i = 0; i < 2; i++) {
      await send([sum('genrf.queue', '', [{ value: 1 }], { monotonic: false }), sum('genrf.queue', '', [{ value: 5 }])]);
      // Different OTel names that become one Prometheus name with different types.
      await send([gauge('genrf.spice.runs_total', '', [{ value: 1 }]), sum('genrf.spice.runs', '', [{ value: 9 }])]);
    }
    const samples = scrapeBoth(e);
    // genrf_queue (gauge) and genrf_queue_total (counter of family genrf_queue) would be one
    // OpenMetrics family with two types.
    expect(find(samples, 'genrf_queue')[0].value).toBe(1);
    expect(find(samples, 'genrf_queue_total')).toHaveLength(0);
    expect(find(samples, 'genrf_spice_runs_total')[0].value).toBe(1);
    // Two conflicting points per round, two rounds; one warning per name.
    expect(await dropped(settings, 'type_conflict')).toBe(4);
    expect(e.reporter.conflicts.type).toBe(4);
    expect(warnings(settings, 'type_conflict').map((l) => l.metric)).toEqual(['genrf_queue_total', 'genrf_spice_runs_total']);
    expect(e.scrape('text').match(/# TYPE genrf_spice_runs_total /g)).toHaveLength(1);
  });

  it('a conflicting help keeps the first and is counted; a conflicting unit is dropped', async () => {
    const { e, settings, send } = setup({ translation_strategy: 'UnderscoreEscapingWithoutSuffixes' });
    await send([gauge('mem', 'By', [{ value: 1 }], 'memory'), gauge('mem', 'By', [{ value: 2, attrs: { a: 'b' } }], 'other help')]);
    await send([gauge('mem', 'KiBy', [{ value: 3, attrs: { a: 'c' } }], 'memory')]);
    expect(e.scrape('text')).toContain('# HELP mem memory\n');
    expect(e.reporter.conflicts.help).toBe(1);
    expect(e.reporter.conflicts.unit).toBe(1);
    expect(await dropped(settings, 'unit_conflict')).toBe(1);
    expect(find(scrapeBoth(e), 'mem').map((s) => s.value)).toEqual([1, 2]);
  });

  it('a delta batch sent twice is not counted twice', async () => {
    const { e, settings, send } = setup();
    const batch = [sum('sims', '', [{ value: 4, start: 10n, time: 20n }], { delta: true })];
    await send(batch);
    await send(batch);
    await send([sum('sims', '', [{ value: 1, start: 20n, time: 30n }], { delta: true })]);
    expect(find(scrapeBoth(e), 'sims_total')[0].value).toBe(5);
    expect(await dropped(settings, 'out_of_order')).toBe(1);
  });

  it('max_series: new series beyond it are dropped and counted; existing ones keep updating', async () => {
    const { e, settings, send } = setup({ max_series: 2, without_target_info: true });
    await send([
      gauge('g', '', [
        { value: 1, attrs: { i: '1' } },
        { value: 1, attrs: { i: '2' } },
        { value: 1, attrs: { i: '3' } },
      ]),
    ]);
    await send([gauge('g', '', [{ value: 7, attrs: { i: '1' } }])]);
    expect(find(scrapeBoth(e), 'g').map((s) => [s.labels.i, s.value])).toEqual([
      ['1', 7],
      ['2', 1],
    ]);
    expect(await dropped(settings, 'series_limit')).toBe(1);
  });

  it('series not updated within metric_expiration are removed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const { e, send } = setup({ metric_expiration: '50ms' });
      await send([gauge('old', '', [{ value: 1 }])]);
      vi.advanceTimersByTime(40);
      expect(scrapeBoth(e).map((s) => s.name)).toContain('old');
      vi.advanceTimersByTime(40);
      await send([gauge('fresh', '', [{ value: 1 }])]);
      const names = scrapeBoth(e).map((s) => s.name);
      expect(names).toContain('fresh');
      expect(names).not.toContain('old');
    } finally {
      vi.useRealTimers();
    }
  });

  it('label values with quotes, backslashes and newlines are escaped', async () => {
    const { e, send } = setup();
    await send([gauge('g', '', [{ value: 1, attrs: { path: 'C:\\tmp\\"x"\nend' } }])]);
    expect(e.scrape('text')).toContain('path="C:\\\\tmp\\\\\\"x\\"\\nend"');
    expect(find(scrapeBoth(e), 'g')[0].labels.path).toBe('C:\\\\tmp\\\\\\"x\\"\\nend');
  });
});

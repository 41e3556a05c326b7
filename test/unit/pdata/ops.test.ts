import { describe, expect, it } from 'vitest';
import { cloneData, countItems, countProtoItems, mergeData, splitData } from '../../../src/pdata/ops.ts';
import { encodeProto } from '../../../src/pdata/proto/index.ts';
import type { MetricsData, Signal, TracesData } from '../../../src/pdata/types.ts';
import { benchTraces, fullLogs, fullMetrics, fullTraces } from './fixtures.ts';

const cases: Array<[Signal, () => unknown, number]> = [
  ['traces', fullTraces, 4],
  ['metrics', fullMetrics, 11],
  ['logs', fullLogs, 3],
];

/** The items of a batch in order, with the resource and scope each one sits under. */
function flatten(signal: Signal, data: unknown): unknown[] {
  const out: unknown[] = [];
  if (signal === 'traces') {
    for (const rs of (data as TracesData).resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push([rs.resource, ss.scope, s]);
  } else if (signal === 'metrics') {
    for (const rm of (data as MetricsData).resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          const d = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
          for (const p of d!.dataPoints) out.push([rm.resource, sm.scope, m.name, p]);
        }
      }
    }
  } else {
    const d = data as ReturnType<typeof fullLogs>;
    for (const rl of d.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) out.push([rl.resource, sl.scope, r]);
  }
  return out;
}

describe('countItems and countProtoItems', () => {
  it.each(cases)('%s: both count %i items', (signal, make, n) => {
    const data = make() as never;
    expect(countItems(signal, data)).toBe(n);
    expect(countProtoItems(signal, encodeProto(signal, data))).toBe(n);
  });
});

describe('cloneData', () => {
  it.each(cases)('%s: equal, and sharing no mutable object', (signal, make) => {
    const data = make() as never;
    const copy = cloneData(signal, data);
    expect(copy).toStrictEqual(data);
    const seen = new Set<object>();
    const collect = (v: unknown) => {
      if (v === null || typeof v !== 'object') return;
      seen.add(v);
      for (const x of Object.values(v)) collect(x);
    };
    collect(data);
    const shared: unknown[] = [];
    const check = (v: unknown) => {
      if (v === null || typeof v !== 'object') return;
      if (seen.has(v)) shared.push(v);
      for (const x of Object.values(v)) check(x);
    };
    check(copy);
    expect(shared).toEqual([]);
  });

  it('a change to the copy leaves the original alone', () => {
    const data = fullTraces();
    const copy = cloneData('traces', data);
    copy.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue = 'changed';
    copy.resourceSpans[0].resource.attributes.push({ key: 'new', value: {} });
    expect(data.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.stringValue).toBe('plain');
    expect(data.resourceSpans[0].resource.attributes).toHaveLength(1);
  });
});

describe('splitData', () => {
  for (const [signal, make, n] of cases) {
    for (const max of [1, 2, 3, 5, n - 1]) {
      it(`${signal}: max ${max} gives pieces of at most ${max} items, in order, under the same resource and scope`, () => {
        const original = make() as never;
        const expected = flatten(signal, make());
        const pieces = splitData(signal, original, max);
        expect(pieces).toHaveLength(Math.ceil(n / max));
        for (const p of pieces) expect(countItems(signal, p)).toBeLessThanOrEqual(max);
        expect(pieces.flatMap((p) => flatten(signal, p))).toStrictEqual(expected);
      });
    }
  }

  it('returns the data itself when it fits or when there is no limit', () => {
    const data = fullTraces();
    expect(splitData('traces', data, 4)[0]).toBe(data);
    expect(splitData('traces', data, 0)[0]).toBe(data);
  });

  it('gives every piece after the first its own resource and scope', () => {
    const data = benchTraces(10);
    const pieces = splitData('traces', data, 4);
    expect(pieces).toHaveLength(3);
    pieces[1].resourceSpans[0].resource.attributes.push({ key: 'added', value: { boolValue: true } });
    pieces[1].resourceSpans[0].scopeSpans[0].scope.name = 'renamed';
    expect(pieces[0].resourceSpans[0].resource.attributes.map((a) => a.key)).not.toContain('added');
    expect(pieces[2].resourceSpans[0].resource.attributes.map((a) => a.key)).not.toContain('added');
    expect(pieces[2].resourceSpans[0].scopeSpans[0].scope.name).toBe('bench.lib');
  });

  it('splits one metric with many points into several metrics with the same name and type', () => {
    const data = fullMetrics();
    const pieces = splitData('metrics', data, 2);
    const first = pieces[0].resourceMetrics[0].scopeMetrics[0].metrics;
    const second = pieces[1].resourceMetrics[0].scopeMetrics[0].metrics;
    expect(first.map((m) => [m.name, m.gauge?.dataPoints.length])).toEqual([['gauge.double', 2]]);
    expect(second[0].name).toBe('gauge.double');
    expect(second[0].gauge!.dataPoints).toHaveLength(1);
    expect(second[0].metadata).toEqual([{ key: 'meta', value: { stringValue: 'x' } }]);
    expect(second[1].sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
  });
});

describe('mergeData', () => {
  it('concatenates resources without copying records, and split then merge keeps every item', () => {
    const a = fullTraces();
    const b = benchTraces(3);
    const merged = mergeData('traces', [a, b]);
    expect(merged.resourceSpans).toHaveLength(a.resourceSpans.length + b.resourceSpans.length);
    expect(merged.resourceSpans[0]).toBe(a.resourceSpans[0]);
    expect(countItems('traces', merged)).toBe(7);
    const expected = flatten('metrics', fullMetrics());
    expect(flatten('metrics', mergeData('metrics', splitData('metrics', fullMetrics(), 3)))).toStrictEqual(expected);
  });
});

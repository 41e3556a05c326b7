import { describe, expect, it } from 'vitest';
import { headData } from '../../../src/pdata/head.ts';
import { countItems } from '../../../src/pdata/ops.ts';
import { fullLogs, fullMetrics, fullTraces } from './fixtures.ts';

describe('headData', () => {
  it('keeps the first records of spans and logs, in order, sharing them, and drops emptied scopes and resources', () => {
    const traces = fullTraces();
    const head = headData('traces', traces, 2);
    expect(countItems('traces', head)).toBe(2);
    expect(head.resourceSpans).toHaveLength(1);
    expect(head.resourceSpans[0].scopeSpans[0].spans).toEqual(traces.resourceSpans[0].scopeSpans[0].spans.slice(0, 2));
    expect(head.resourceSpans[0].scopeSpans[0].spans[0]).toBe(traces.resourceSpans[0].scopeSpans[0].spans[0]);
    expect(head.resourceSpans[0].resource).toBe(traces.resourceSpans[0].resource);
    expect(head.resourceSpans[0].scopeSpans[0].schemaUrl).toBe(traces.resourceSpans[0].scopeSpans[0].schemaUrl);

    const all = headData('traces', traces, 1000);
    expect(countItems('traces', all)).toBe(countItems('traces', traces));
    expect(all.resourceSpans).toHaveLength(1); // the second resource has no spans

    const logs = fullLogs();
    const n = countItems('logs', logs);
    expect(countItems('logs', headData('logs', logs, n - 1))).toBe(n - 1);
    expect(headData('logs', logs, 0)).toEqual({ resourceLogs: [] });
  });

  it('cuts metrics by data points', () => {
    const metrics = fullMetrics();
    const n = countItems('metrics', metrics);
    for (const max of [1, 2, n - 1, n, n + 5]) expect(countItems('metrics', headData('metrics', metrics, max))).toBe(Math.min(max, n));
  });
});

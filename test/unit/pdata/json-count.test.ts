// The count of OTLP/JSON items before JSON.parse (issue 11 item 2): exact on real requests,
// never fooled low by strings, escapes or spelling, and stopping at the limit.
import { describe, expect, it } from 'vitest';
import { checkJsonItems } from '../../../src/pdata/json/count.ts';
import { TooManyItemsError } from '../../../src/pdata/errors.ts';

const b = (s: string) => Buffer.from(s);

describe('checkJsonItems', () => {
  it('counts log records, spans and data points as the decoder reads them, in both spellings', () => {
    expect(checkJsonItems('logs', b('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{"body":{"stringValue":"x"}}]},{"log_records":[{}]}]}]}'), 10)).toBe(3);
    expect(checkJsonItems('traces', b('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","events":[{},{}],"links":[{}]}]}]}]}'), 10)).toBe(1);
    expect(checkJsonItems('metrics', b('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{},{}]}},{"sum":{"data_points":[{}]}}]}]}]}'), 10)).toBe(3);
  });

  it('is not fooled by brackets, quotes and key names inside strings', () => {
    const body = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"\\"logRecords\\":[{},{},{}] \\\\"}},{}]}]}]}';
    expect(JSON.parse(body)).toBeTruthy();
    expect(checkJsonItems('logs', b(body), 10)).toBe(2);
  });

  it('reads a key written with escapes as the key it is', () => {
    expect(() => checkJsonItems('logs', b('{"resourceLogs":[{"scopeLogs":[{"log\\u0052ecords":[{},{},{}]}]}]}'), 2)).toThrow(TooManyItemsError);
  });

  it('stops at the first item beyond the limit and says where', () => {
    const body = b(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[${'{},'.repeat(999)}{}]}]}]}`);
    expect(checkJsonItems('logs', body, 1000)).toBe(1000);
    expect(() => checkJsonItems('logs', body, 999)).toThrow(/more than 999 items in one request \(max_items_per_request\), at byte 3043/);
  });
});

import { describe, expect, it } from 'vitest';
import { kafkaExporterConfig } from '../../../../src/exporters/kafka/config.ts';
import { encodeGroup } from '../../../../src/kafka/encoding.ts';
import { groupByKey } from '../../../../src/kafka/partition.ts';
import type { LogsData, TracesData } from '../../../../src/pdata/types.ts';

const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 });
const scope = { name: 's', version: '', attributes: [], droppedAttributesCount: 0 };
const span = (traceId: string, name: string) => ({
  traceId,
  spanId: '0000000000000001',
  traceState: '',
  parentSpanId: '',
  flags: 0,
  name,
  kind: 1,
  startTimeUnixNano: 1n,
  endTimeUnixNano: 2n,
  attributes: [],
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  status: { message: '', code: 0 },
});
const log = (body: string) => ({
  timeUnixNano: 1n,
  observedTimeUnixNano: 0n,
  severityNumber: 9,
  severityText: 'info',
  body: { stringValue: body },
  attributes: [],
  droppedAttributesCount: 0,
  flags: 0,
  traceId: '',
  spanId: '',
  eventName: '',
});

describe('kafka exporter config', () => {
  it('acks all and idempotence by default; idempotence needs acks all', () => {
    const c = kafkaExporterConfig.parse({});
    expect(c.producer).toMatchObject({ required_acks: 'all', idempotent: true, compression: 'none' });
    const bad = kafkaExporterConfig.safeParse({ producer: { required_acks: 1 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].message).toMatch(/idempotent producer needs required_acks: all/);
    expect(kafkaExporterConfig.safeParse({ metrics: { encoding: 'raw' } }).success).toBe(false);
  });
});

describe('message keys', () => {
  it('traces: one message per trace id, spans of a trace kept together in order', () => {
    const data: TracesData = { resourceSpans: [{ resource: resource('a'), schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: [span('t1', 'x'), span('t2', 'y'), span('t1', 'z')] }] }] };
    const groups = groupByKey('traces', data);
    expect(groups.map((g) => [g.key, g.data.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)])).toEqual([
      ['t1', ['x', 'z']],
      ['t2', ['y']],
    ]);
    expect(groups.every((g) => !g.whole)).toBe(true);
  });

  it('a batch with one key is sent whole', () => {
    const data: TracesData = { resourceSpans: [{ resource: resource('a'), schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: [span('t1', 'x'), span('t1', 'y')] }] }] };
    expect(groupByKey('traces', data)).toEqual([{ key: 't1', data, whole: true }]);
  });

  it('logs: one message per service.name', () => {
    const data: LogsData = {
      resourceLogs: [
        { resource: resource('a'), schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: [log('1')] }] },
        { resource: resource('b'), schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: [log('2')] }] },
        { resource: resource('a'), schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: [log('3')] }] },
      ],
    };
    const groups = groupByKey('logs', data);
    expect(groups.map((g) => [g.key, g.data.resourceLogs.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('json and raw write one message per log record', () => {
    const data: LogsData = { resourceLogs: [{ resource: resource('a'), schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: [log('1'), log('2')] }] }] };
    const dec = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(encodeGroup('logs', 'raw', data).map(dec)).toEqual(['1', '2']);
    expect(encodeGroup('logs', 'json', data).map((b) => JSON.parse(dec(b)))).toEqual([
      { timestamp: '1970-01-01T00:00:00.000000001Z', level: 'info', logger: 's', event: '1' },
      { timestamp: '1970-01-01T00:00:00.000000001Z', level: 'info', logger: 's', event: '2' },
    ]);
  });
});

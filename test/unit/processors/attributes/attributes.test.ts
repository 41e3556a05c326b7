import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attributesProcessorFactory as factory } from '../../../../src/processors/attributes/factory.ts';
import type { LogsData, MetricsData, TracesData } from '../../../../src/pdata/types.ts';
import { attrs, build, gauge, logRecord, logs, metrics, protoBatch, span, traces } from './fixtures.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function runTraces(options: unknown, data: TracesData) {
  const { processor, next } = build(factory, options, 'traces');
  await processor.consume(protoBatch('traces', data));
  return next.data<'traces'>().resourceSpans.map((rs) => rs.scopeSpans[0].spans.map((s) => attrs(s.attributes)));
}

describe('attributes processor actions', () => {
  it('insert, update and upsert respect what is already there', async () => {
    const out = await runTraces(
      {
        actions: [
          { key: 'env', action: 'insert', value: 'prod' },
          { key: 'region', action: 'update', value: 'eu' },
          { key: 'team', action: 'upsert', value: 'rf' },
        ],
      },
      traces({ records: [span('a', { env: 'dev', team: 'x' }), span('b', { region: 'us' })] }),
    );
    expect(out[0]).toEqual([
      { env: 'dev', team: 'rf' },
      { region: 'eu', env: 'prod', team: 'rf' },
    ]);
  });

  it('writes integers, doubles and booleans with their OTLP types', async () => {
    const { processor, next } = build(
      factory,
      {
        actions: [
          { key: 'i', action: 'upsert', value: 3 },
          { key: 'd', action: 'upsert', value: 1.5 },
          { key: 'b', action: 'upsert', value: false },
        ],
      },
      'traces',
    );
    await processor.consume(protoBatch('traces', traces({ records: [span('a')] })));
    const a = next.data<'traces'>().resourceSpans[0].scopeSpans[0].spans[0].attributes;
    expect(a.map((kv) => kv.value)).toEqual([{ intValue: 3n }, { doubleValue: 1.5 }, { boolValue: false }]);
  });

  it('copies from_attribute, and does nothing when the source is missing', async () => {
    const out = await runTraces({ actions: [{ key: 'user', action: 'upsert', from_attribute: 'enduser.id' }] }, traces({ records: [span('a', { 'enduser.id': 'u1' }), span('b')] }));
    expect(out[0]).toEqual([{ 'enduser.id': 'u1', user: 'u1' }, {}]);
  });

  it('records never share a value object, so a later in-place change touches one record', async () => {
    const { processor, next } = build(factory, { actions: [{ key: 'env', action: 'insert', value: 'prod' }] }, 'traces');
    await processor.consume(protoBatch('traces', traces({ records: [span('a'), span('b')] })));
    const [a, b] = next.data<'traces'>().resourceSpans[0].scopeSpans[0].spans;
    a.attributes[0].value.stringValue = 'changed';
    expect(b.attributes[0].value.stringValue).toBe('prod');
  });

  it('deletes by key (every duplicate) and by key pattern', async () => {
    const out = await runTraces(
      {
        actions: [
          { key: 'password', action: 'delete' },
          { pattern: '^tmp\\.', action: 'delete' },
        ],
      },
      traces({ records: [span('a', { password: 'x', 'tmp.a': 1n, 'tmp.b': 2n, keep: 'y', tmpx: 'z' })] }),
    );
    expect(out[0]).toEqual([{ keep: 'y', tmpx: 'z' }]);
  });

  it('hashes the string form with SHA-256', async () => {
    const out = await runTraces(
      {
        actions: [
          { key: 'user.id', action: 'hash' },
          { key: 'code', action: 'hash' },
        ],
      },
      traces({ records: [span('a', { 'user.id': 'alice', code: 200n })] }),
    );
    expect(out[0][0]).toEqual({ 'user.id': sha256('alice'), code: sha256('200') });
    expect(out[0][0]['user.id']).not.toBe('alice');
  });

  it('extracts named groups into attributes (upsert), leaving non-matching values alone', async () => {
    const out = await runTraces(
      {
        actions: [{ key: 'http.url', action: 'extract', pattern: '^https?://(?<host>[^/:]+)(?::(?<port>\\d+))?/(?<path>.*)$' }],
      },
      traces({ records: [span('a', { 'http.url': 'https://rf.example:8443/api/v1', host: 'old' }), span('b', { 'http.url': 'http://plain/x' }), span('c', { 'http.url': 'not a url' })] }),
    );
    expect(out[0]).toEqual([
      { 'http.url': 'https://rf.example:8443/api/v1', host: 'rf.example', port: '8443', path: 'api/v1' },
      { 'http.url': 'http://plain/x', host: 'plain', path: 'x' },
      { 'http.url': 'not a url' },
    ]);
  });

  it('converts types, leaving values that cannot convert as they were', async () => {
    const out = await runTraces(
      {
        actions: [
          { key: 'a', action: 'convert', converted_type: 'int' },
          { key: 'b', action: 'convert', converted_type: 'int' },
          { key: 'c', action: 'convert', converted_type: 'double' },
          { key: 'd', action: 'convert', converted_type: 'string' },
          { key: 'e', action: 'convert', converted_type: 'bool' },
          { key: 'f', action: 'convert', converted_type: 'int' },
        ],
      },
      traces({ records: [span('s', { a: '42', b: 'forty', c: '2.5', d: 7n, e: 'true', f: 9.9 })] }),
    );
    expect(out[0][0]).toEqual({ a: 42n, b: 'forty', c: 2.5, d: '7', e: true, f: 9n });
  });

  it('applies actions in order', async () => {
    const out = await runTraces(
      {
        actions: [
          { key: 'copy', action: 'insert', from_attribute: 'user.id' },
          { key: 'user.id', action: 'hash' },
        ],
      },
      traces({ records: [span('a', { 'user.id': 'bob' })] }),
    );
    expect(out[0][0]).toEqual({ 'user.id': sha256('bob'), copy: 'bob' });
  });
});

describe('attributes processor include / exclude', () => {
  it('changes only records the include selects and the exclude does not', async () => {
    const out = await runTraces(
      {
        actions: [{ key: 'tagged', action: 'insert', value: true }],
        include: { service_name: 'genrf-worker', span_name_prefix: 'spice_' },
        exclude: { attributes: { skip: true } },
      },
      traces({ service: 'genrf-worker', records: [span('spice_run'), span('generate'), span('spice_skip', { skip: true })] }, { service: 'genrf-api', records: [span('spice_run')] }),
    );
    expect(out).toEqual([[{ tagged: true }, {}, { skip: true }], [{}]]);
  });

  it('logs: by scope prefix and severity', async () => {
    const { processor, next } = build(
      factory,
      {
        actions: [{ key: 'security', action: 'upsert', value: 'yes' }],
        include: { scope_name_prefix: 'genrf.security', severity_number_min: 'WARN' },
      },
      'logs',
    );
    await processor.consume(
      protoBatch('logs', logs({ scope: 'genrf.security.auth', records: [logRecord(13, 'denied'), logRecord(9, 'ok')] }, { scope: 'genrf.securityx', records: [logRecord(17, 'x')] })),
    );
    const out = (next.data<'logs'>() as LogsData).resourceLogs.map((r) => r.scopeLogs[0].logRecords.map((l) => attrs(l.attributes)));
    expect(out).toEqual([[{ security: 'yes' }, {}], [{}]]);
  });

  it('metrics: acts on data points, selected by metric name and point attributes', async () => {
    const { processor, next } = build(
      factory,
      {
        actions: [{ key: 'engine.family', action: 'insert', value: 'spice' }],
        include: { metric_name_prefix: 'genrf.spice.', attributes: { engine: 'ngspice' } },
      },
      'metrics',
    );
    await processor.consume(
      protoBatch('metrics', metrics({ records: [gauge('genrf.spice.duration', [{ engine: 'ngspice' }, { engine: 'xyce' }]), gauge('genrf.generation.duration', [{ engine: 'ngspice' }])] })),
    );
    const ms = (next.data<'metrics'>() as MetricsData).resourceMetrics[0].scopeMetrics[0].metrics;
    expect(ms.map((m) => m.gauge!.dataPoints.map((p) => attrs(p.attributes)))).toEqual([[{ engine: 'ngspice', 'engine.family': 'spice' }, { engine: 'xyce' }], [{ engine: 'ngspice' }]]);
  });

  it('refuses at build a condition key that cannot match the signal', () => {
    expect(() => build(factory, { actions: [{ key: 'a', action: 'delete' }], include: { severity_number_min: 'ERROR' } }, 'traces', 'attributes/x')).toThrow(
      /processor attributes\/x: include uses severity_number_min, which cannot match traces/,
    );
  });

  it('declares that it mutates, so a fan-out gives it its own copy', () => {
    expect(build(factory, { actions: [{ key: 'a', action: 'delete' }] }, 'logs').processor.mutates).toBe(true);
  });
});

describe('attributes processor config', () => {
  const errors = (options: unknown) => {
    const r = factory.config.safeParse(options);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('needs at least one action', () => {
    expect(errors({ actions: [] })).toEqual(['actions: at least one action is needed']);
  });

  it('says what each action needs', () => {
    expect(errors({ actions: [{ key: 'a', action: 'upsert' }] })).toEqual(['actions.0.value: action upsert needs exactly one of value or from_attribute']);
    expect(errors({ actions: [{ key: 'a', action: 'insert', value: 'x', from_attribute: 'b' }] })).toEqual(['actions.0.value: action insert needs exactly one of value or from_attribute']);
    expect(errors({ actions: [{ key: 'a', action: 'extract', pattern: '(\\d+)' }] })).toEqual([expect.stringMatching(/^actions\.0\.pattern: the extract pattern has no named group/)]);
    expect(errors({ actions: [{ key: 'a', action: 'convert' }] })).toEqual(['actions.0.converted_type: action convert needs converted_type: int, double, string, bool']);
    expect(errors({ actions: [{ key: 'a', action: 'delete', value: 'x' }] })).toEqual(['actions.0.value: "value" does not apply to action delete']);
    expect(errors({ actions: [{ action: 'hash' }] })).toEqual(['actions.0.key: action hash needs exactly one of key or pattern (a regex on keys)']);
  });

  it('refuses unknown actions and keys', () => {
    expect(errors({ actions: [{ key: 'a', action: 'rename' }] })[0]).toMatch(/^actions\.0\.action/);
    expect(errors({ actions: [{ key: 'a', action: 'delete', regex: 'x' }] })[0]).toMatch(/regex/);
  });
});

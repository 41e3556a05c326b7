import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resourceProcessorFactory as factory } from '../../../../src/processors/resource/factory.ts';
import { attrs, build, gauge, logRecord, logs, metrics, protoBatch, span, traces } from '../attributes/fixtures.ts';

describe('resource processor', () => {
  it('changes resource attributes of every signal, leaving records alone', async () => {
    const options = {
      attributes: [
        { key: 'deployment.environment', action: 'upsert', value: 'prod' },
        { key: 'host.ip', action: 'delete' },
        { key: 'owner', action: 'hash' },
      ],
    };
    const resource = { 'host.ip': '10.0.0.1', owner: 'alice' };
    const expected = { 'service.name': 'genrf-worker', 'deployment.environment': 'prod', owner: createHash('sha256').update('alice').digest('hex') };

    const t = build(factory, options, 'traces');
    await t.processor.consume(protoBatch('traces', traces({ service: 'genrf-worker', resource, records: [span('a', { owner: 'bob' })] })));
    const rs = t.next.data<'traces'>().resourceSpans[0];
    expect(attrs(rs.resource.attributes)).toEqual(expected);
    expect(attrs(rs.scopeSpans[0].spans[0].attributes)).toEqual({ owner: 'bob' });

    const l = build(factory, options, 'logs');
    await l.processor.consume(protoBatch('logs', logs({ service: 'genrf-worker', resource, records: [logRecord(9, 'x')] })));
    expect(attrs(l.next.data<'logs'>().resourceLogs[0].resource.attributes)).toEqual(expected);

    const m = build(factory, options, 'metrics');
    await m.processor.consume(protoBatch('metrics', metrics({ service: 'genrf-worker', resource, records: [gauge('g', [{}])] })));
    expect(attrs(m.next.data<'metrics'>().resourceMetrics[0].resource.attributes)).toEqual(expected);
  });

  it('include / exclude select resources', async () => {
    const { processor, next } = build(
      factory,
      {
        attributes: [{ key: 'tier', action: 'insert', value: 'genrf' }],
        include: { service_name_prefix: 'genrf-' },
        exclude: { resource_attributes: { 'deployment.environment': 'test' } },
      },
      'traces',
    );
    await processor.consume(
      protoBatch(
        'traces',
        traces(
          { service: 'genrf-worker', records: [span('a')] },
          { service: 'genrf-worker', resource: { 'deployment.environment': 'test' }, records: [span('a')] },
          { service: 'billing', records: [span('a')] },
        ),
      ),
    );
    expect(next.data<'traces'>().resourceSpans.map((r) => attrs(r.resource.attributes).tier)).toEqual(['genrf', undefined, undefined]);
  });

  it('refuses record-level keys in include, saying why', () => {
    const r = factory.config.safeParse({ attributes: [{ key: 'a', action: 'delete' }], include: { scope_name: 'x' } });
    expect(r.error!.issues[0].path).toEqual(['include', 'scope_name']);
    expect(r.error!.issues[0].message).toMatch(/not a resource-level key/);
  });

  it('needs the attributes list', () => {
    expect(factory.config.safeParse({}).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { filterProcessorFactory as factory } from '../../../../src/processors/filter/factory.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { build, gauge, logRecord, logs, metrics, protoBatch, span, traces } from '../attributes/fixtures.ts';

async function droppedCount(m: { render(): Promise<string> }, id: string, signal: string): Promise<number> {
  const text = await m.render();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('genrf_collector_dropped_items_total{') && l.includes(`component="processor/${id}"`) && l.includes(`otel_signal="${signal}"`) && l.includes('reason="filtered"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('filter processor: logs', () => {
  it('drops logs below a severity and counts them', async () => {
    const { processor, next, metrics: m } = build(factory, { logs: { exclude: [{ severity_number_min: 1, attributes: { noisy: true } }, { body_regex: '^healthz' }] } }, 'logs', 'filter/noise');
    await processor.consume(protoBatch('logs', logs({ records: [logRecord(9, 'started'), logRecord(9, 'x', { noisy: true }), logRecord(5, 'healthz ok'), logRecord(17, 'failed')] })));
    const recs = next.data<'logs'>().resourceLogs[0].scopeLogs[0].logRecords;
    expect(recs.map((r) => r.body?.stringValue)).toEqual(['started', 'failed']);
    expect(await droppedCount(m, 'filter/noise', 'logs')).toBe(2);
    expect(next.batches[0].items).toBe(2);
  });

  it('include keeps only matching records; scopes and resources left empty are removed', async () => {
    const { processor, next } = build(factory, { logs: { include: [{ severity_number_min: 'WARN' }] } }, 'logs');
    await processor.consume(protoBatch('logs', logs({ service: 'a', records: [logRecord(9, 'info'), logRecord(13, 'warn')] }, { service: 'b', records: [logRecord(5, 'debug')] })));
    const rl = next.data<'logs'>().resourceLogs;
    expect(rl).toHaveLength(1);
    expect(rl[0].scopeLogs[0].logRecords.map((r) => r.body?.stringValue)).toEqual(['warn']);
  });

  it('exclude by scope drops whole scopes, by the logger hierarchy', async () => {
    const { processor, next } = build(factory, { logs: { exclude: [{ scope_name_prefix: 'genrf.debug' }] } }, 'logs');
    await processor.consume(protoBatch('logs', logs({ scope: 'genrf.debug.spice', records: [logRecord(9, 'a')] }, { scope: 'genrf.debugger', records: [logRecord(9, 'b')] })));
    expect(next.data<'logs'>().resourceLogs.map((r) => r.scopeLogs[0].scope.name)).toEqual(['genrf.debugger']);
  });

  it('a batch left empty is not handed on', async () => {
    const { processor, next, metrics: m } = build(factory, { logs: { include: [{ service_name: 'genrf-worker' }] } }, 'logs', 'filter/svc');
    await processor.consume(protoBatch('logs', logs({ service: 'billing', records: [logRecord(9, 'a'), logRecord(9, 'b')] })));
    expect(next.batches).toHaveLength(0);
    expect(await droppedCount(m, 'filter/svc', 'logs')).toBe(2);
  });

  it('a batch from which nothing is dropped keeps its protobuf bytes (no re-encoding)', async () => {
    const { processor, next } = build(factory, { logs: { exclude: [{ severity_text: 'trace' }] } }, 'logs');
    const batch = protoBatch('logs', logs({ records: [logRecord(9, 'a')] }));
    const bytes = batch.toProto();
    await processor.consume(batch);
    expect(next.batches[0].toProto()).toBe(bytes);
  });
});

describe('filter processor: traces', () => {
  it('drops spans by name, kind and attributes; include and exclude combine', async () => {
    const { processor, next } = build(
      factory,
      {
        traces: {
          include: [{ service_name_prefix: 'genrf-' }],
          exclude: [{ span_name: ['health_check', 'readyz'] }, { span_kind: 'client', attributes: { 'http.status_code': 200 } }],
        },
      },
      'traces',
    );
    await processor.consume(
      Batch.of(
        'traces',
        traces(
          { service: 'genrf-worker', records: [span('generate'), span('health_check'), span('call', { 'http.status_code': 200n }, 3), span('call', { 'http.status_code': 500n }, 3)] },
          { service: 'other', records: [span('generate')] },
        ),
      ),
    );
    const rs = next.data<'traces'>().resourceSpans;
    expect(rs).toHaveLength(1);
    expect(rs[0].scopeSpans[0].spans.map((s) => `${s.name}:${s.attributes[0]?.value.intValue ?? ''}`)).toEqual(['generate:', 'call:500']);
  });

  it('an exclude whose resource part does not match leaves later scopes alone', async () => {
    const { processor, next } = build(factory, { traces: { exclude: [{ service_name: 'a', span_name: 'x' }] } }, 'traces');
    await processor.consume(Batch.of('traces', traces({ service: 'a', records: [span('x'), span('y')] }, { service: 'b', records: [span('x')] })));
    expect(next.data<'traces'>().resourceSpans.map((r) => r.scopeSpans[0].spans.map((s) => s.name))).toEqual([['y'], ['x']]);
  });
});

describe('filter processor: metrics', () => {
  it('drops metrics by name and data points by attributes; emptied metrics go', async () => {
    const {
      processor,
      next,
      metrics: m,
    } = build(
      factory,
      {
        metrics: { exclude: [{ metric_name_regex: '^debug\\.' }, { metric_name: 'genrf.spice.duration', attributes: { engine: 'xyce' } }] },
      },
      'metrics',
      'filter/m',
    );
    await processor.consume(
      protoBatch(
        'metrics',
        metrics({
          records: [
            gauge('debug.queue', [{}, {}]),
            gauge('genrf.spice.duration', [{ engine: 'ngspice' }, { engine: 'xyce' }]),
            gauge('genrf.spice.runs', [{ engine: 'xyce' }]),
            gauge('genrf.only.xyce', [{ engine: 'xyce' }]),
          ],
        }),
      ),
    );
    const ms = next.data<'metrics'>().resourceMetrics[0].scopeMetrics[0].metrics;
    expect(ms.map((x) => `${x.name}:${x.gauge!.dataPoints.length}`)).toEqual(['genrf.spice.duration:1', 'genrf.spice.runs:1', 'genrf.only.xyce:1']);
    expect(await droppedCount(m, 'filter/m', 'metrics')).toBe(3);
  });

  it('include by data point attributes keeps only those points', async () => {
    const { processor, next } = build(factory, { metrics: { include: [{ attributes: { engine: 'ngspice' } }] } }, 'metrics');
    await processor.consume(protoBatch('metrics', metrics({ records: [gauge('a', [{ engine: 'ngspice' }, { engine: 'xyce' }]), gauge('b', [{ engine: 'xyce' }])] })));
    const ms = next.data<'metrics'>().resourceMetrics[0].scopeMetrics[0].metrics;
    expect(ms.map((x) => `${x.name}:${x.gauge!.dataPoints.length}`)).toEqual(['a:1']);
  });
});

describe('filter processor config', () => {
  it('refuses conditions of another signal, at their path', () => {
    const r = factory.config.safeParse({ traces: { exclude: [{ severity_number_min: 'ERROR' }] } });
    expect(r.error!.issues[0].path).toEqual(['traces', 'exclude', 0, 'severity_number_min']);
    expect(r.error!.issues[0].message).toMatch(/cannot match traces/);
  });

  it('refuses to be built in a pipeline whose signal it has no conditions for', () => {
    expect(() => build(factory, { logs: { exclude: [{ severity_text: 'debug' }] } }, 'traces', 'filter/x')).toThrow(
      /processor filter\/x is used in a traces pipeline but has no traces: include or exclude conditions/,
    );
  });

  it('refuses unknown keys (e.g. otelcol OTTL lists)', () => {
    expect(factory.config.safeParse({ logs: { log_record: ['severity_number < 9'] } }).success).toBe(false);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { Service } from '../../../src/pipeline/service.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { silentLogger } from '../../../src/telemetry/logger.ts';
import type { LogsData } from '../../../src/pdata/types.ts';
import { events, FakeReceiver, SinkExporter, fakeReceiver, forwardLike, logsBatch, makeConfig, passProcessor, sinkExporter, tagProcessor } from './helpers.ts';

const opts = () => ({ logger: silentLogger(), metrics: new SelfMetrics() });

beforeEach(() => {
  events.length = 0;
  FakeReceiver.last.clear();
  SinkExporter.all.clear();
});

describe('graph', () => {
  it('fans a shared receiver out to pipelines and copies only for the one that mutates', async () => {
    const config = makeConfig({
      receivers: { fake: fakeReceiver },
      processors: { pass: [passProcessor], 'tag/a': [tagProcessor, { tag: '+a' }] },
      exporters: { 'sink/plain': sinkExporter, 'sink/tagged': sinkExporter },
      pipelines: {
        'logs/plain': { receivers: ['fake'], exporters: ['sink/plain'] },
        // The mutating processor comes second: the whole pipeline must still be given a copy.
        'logs/tagged': { receivers: ['fake'], processors: ['pass', 'tag/a'], exporters: ['sink/tagged'] },
      },
    });
    const svc = new Service(config, opts());
    await svc.start();
    const batch = logsBatch('hello');
    await FakeReceiver.last.get('fake')!.consumers.logs!.consume(batch);
    expect(SinkExporter.all.get('sink/plain@logs')!.bodies).toEqual(['hello']);
    expect(SinkExporter.all.get('sink/tagged@logs')!.bodies).toEqual(['hello+a']);
    // the sender's batch was not changed under the read-only pipeline
    expect((batch.data as LogsData).resourceLogs[0].scopeLogs[0].logRecords[0].body?.stringValue).toBe('hello');
    await svc.shutdown();
  });

  it('joins pipelines through a connector and copies for a mutating pipeline behind it', async () => {
    const config = makeConfig({
      receivers: { fake: fakeReceiver },
      processors: { 'tag/b': [tagProcessor, { tag: '+b' }] },
      exporters: { 'sink/in': sinkExporter, 'sink/out': sinkExporter },
      connectors: { fwd: forwardLike },
      pipelines: {
        'logs/in': { receivers: ['fake'], exporters: ['sink/in', 'fwd'] },
        'logs/out': { receivers: ['fwd'], processors: ['tag/b'], exporters: ['sink/out'] },
      },
    });
    const svc = new Service(config, opts());
    await svc.start();
    await FakeReceiver.last.get('fake')!.consumers.logs!.consume(logsBatch('x'));
    expect(SinkExporter.all.get('sink/in@logs')!.bodies).toEqual(['x']);
    expect(SinkExporter.all.get('sink/out@logs')!.bodies).toEqual(['x+b']);
    await svc.shutdown();
  });

  it('starts exporters first and receivers last, and stops upstream first', async () => {
    const config = makeConfig({
      receivers: { fake: fakeReceiver },
      processors: { pass: [passProcessor] },
      exporters: { sink: sinkExporter },
      connectors: { fwd: forwardLike },
      pipelines: {
        'logs/in': { receivers: ['fake'], processors: ['pass'], exporters: ['fwd'] },
        'logs/out': { receivers: ['fwd'], exporters: ['sink'] },
      },
    });
    const svc = new Service(config, opts());
    await svc.start();
    expect(events.indexOf('start exporter sink@logs')).toBeLessThan(events.indexOf('start fwd'));
    expect(events.indexOf('start fwd')).toBeLessThan(events.indexOf('start receiver'));
    expect(events.at(-1)).toBe('start receiver');
    events.length = 0;
    await svc.shutdown();
    expect(events).toEqual(['stop receiver', 'stop pass', 'stop fwd', 'stop exporter sink@logs']);
  });

  it('counts processor items in and out under the collector metric names', async () => {
    const metrics = new SelfMetrics();
    const config = makeConfig({
      receivers: { fake: fakeReceiver },
      processors: { pass: [passProcessor] },
      exporters: { sink: sinkExporter },
      pipelines: { logs: { receivers: ['fake'], processors: ['pass'], exporters: ['sink'] } },
    });
    const svc = new Service(config, { logger: silentLogger(), metrics });
    await svc.start();
    await FakeReceiver.last.get('fake')!.consumers.logs!.consume(logsBatch('a', 'b', 'c'));
    const text = await metrics.render();
    // Label order is the exposition library's business: find the series by its labels.
    const value = (name: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && l.includes('processor="pass"') && l.includes('otel_signal="logs"'))
        ?.split(' ')
        .at(-1);
    expect(value('otelcol_processor_incoming_items_total')).toBe('3');
    expect(value('otelcol_processor_outgoing_items_total')).toBe('3');
    await svc.shutdown();
  });

  it('reports components as unhealthy before start and healthy after', async () => {
    const config = makeConfig({
      receivers: { fake: fakeReceiver },
      exporters: { sink: sinkExporter },
      pipelines: { logs: { receivers: ['fake'], exporters: ['sink'] } },
    });
    const svc = new Service(config, opts());
    expect([...svc.components()].map((c) => c.health().healthy)).toEqual([false, false]);
    await svc.start();
    expect([...svc.components()].map((c) => [c.id, c.health().healthy])).toEqual([
      ['exporter/sink@logs', true],
      ['receiver/fake', true],
    ]);
    await svc.shutdown();
  });
});

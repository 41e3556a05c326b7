import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildGraph } from '../../../src/pipeline/graph.ts';
import type { ConnectorFactory } from '../../../src/pipeline/component.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { silentLogger } from '../../../src/telemetry/logger.ts';
import { fakeReceiver, forwardLike, makeConfig, passProcessor, sinkExporter, tagProcessor } from './helpers.ts';

// What the phases of buildGraph decide: which pipeline heads declare that they mutate (so a
// fan-out upstream copies for them), the node keys, and the build and stop orders.

/** logs -> metrics, never passing its input on (like spanmetrics for traces). */
const countLike: ConnectorFactory = {
  kind: 'connector',
  type: 'count',
  description: 'test',
  pairs: { 'logs>metrics': 'stable', 'logs>logs': 'stable' },
  config: z.strictObject({}),
  create: (_s, _c, _from, _to, next) => ({ mutates: false, consume: (b) => next.all.consume(b), start: async () => {}, shutdown: async () => {} }),
};

/** Changes what it is given (as a routing connector with a mutating target declares). */
const mutatingConnector: ConnectorFactory = { ...forwardLike, type: 'mut', create: (s, c, f, t, n) => ({ ...forwardLike.create(s, c, f, t, n), mutates: true }) };

const build = (config: ReturnType<typeof makeConfig>) => buildGraph(config, { logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 });
const mutates = (entries: ReadonlyMap<string, Consumer>) => Object.fromEntries([...entries].map(([id, c]) => [id, c.mutates]));

describe('buildGraph phases', () => {
  it('marks a pipeline as mutating through a same-signal connector, not through a cross-signal one', () => {
    const graph = build(
      makeConfig({
        receivers: { fake: fakeReceiver },
        processors: { pass: [passProcessor], tag: [tagProcessor] },
        exporters: { sink: sinkExporter },
        connectors: { fwd: forwardLike, count: countLike },
        pipelines: {
          'logs/in': { receivers: ['fake'], processors: ['pass'], exporters: ['fwd', 'count'] },
          'logs/tagged': { receivers: ['fwd'], processors: ['tag'], exporters: ['sink'] },
          'metrics/counted': { receivers: ['count'], processors: [], exporters: ['sink'] },
          'logs/plain': { receivers: ['fake'], exporters: ['sink'] },
        },
      }),
    );
    expect(mutates(graph.entries)).toEqual({ 'logs/tagged': true, 'metrics/counted': false, 'logs/in': true, 'logs/plain': false });
    expect(graph.pipelineOrder).toEqual(['logs/tagged', 'metrics/counted', 'logs/in', 'logs/plain']);
    expect(graph.startOrder().map((n) => n.key)).toEqual([
      'exporter/sink@logs',
      'exporter/sink@metrics',
      'connector/fwd@logs>logs',
      'connector/count@logs>metrics',
      'processor/tag@logs/tagged',
      'processor/pass@logs/in',
      'receiver/fake',
    ]);
    expect(graph.stopOrder().map((n) => n.key)).toEqual([
      'receiver/fake',
      'processor/pass@logs/in',
      'connector/fwd@logs>logs',
      'connector/count@logs>metrics',
      'processor/tag@logs/tagged',
      'exporter/sink@logs',
      'exporter/sink@metrics',
    ]);
  });

  it('marks a pipeline as mutating when its connector itself mutates, and builds a shared connector once', () => {
    const graph = build(
      makeConfig({
        receivers: { fake: fakeReceiver },
        exporters: { sink: sinkExporter },
        connectors: { mut: mutatingConnector },
        pipelines: {
          'logs/a': { receivers: ['fake'], exporters: ['mut'] },
          'logs/b': { receivers: ['fake'], exporters: ['mut'] },
          'logs/out': { receivers: ['mut'], exporters: ['sink'] },
        },
      }),
    );
    expect(mutates(graph.entries)).toEqual({ 'logs/out': false, 'logs/a': true, 'logs/b': true });
    expect(graph.connectors.map((n) => n.key)).toEqual(['connector/mut@logs>logs']);
  });

  it('stops a connector shared by pipelines after the processors of every one of them', () => {
    // As spanmetrics behind traces and traces/kafka: the last batch of either must reach it before it flushes and stops.
    const graph = build(
      makeConfig({
        receivers: { fake: fakeReceiver },
        processors: { pass: [passProcessor] },
        exporters: { sink: sinkExporter },
        connectors: { fwd: forwardLike },
        pipelines: {
          'logs/a': { receivers: ['fake'], processors: ['pass'], exporters: ['fwd'] },
          'logs/b': { receivers: ['fake'], processors: ['pass'], exporters: ['fwd'] },
          'logs/out': { receivers: ['fwd'], processors: ['pass'], exporters: ['sink'] },
        },
      }),
    );
    const order = graph.stopOrder().map((n) => n.key);
    const at = (k: string) => order.indexOf(k);
    expect(at('connector/fwd@logs>logs')).toBeGreaterThan(at('processor/pass@logs/a'));
    expect(at('connector/fwd@logs>logs')).toBeGreaterThan(at('processor/pass@logs/b'));
    expect(at('connector/fwd@logs>logs')).toBeLessThan(at('processor/pass@logs/out'));
  });
});

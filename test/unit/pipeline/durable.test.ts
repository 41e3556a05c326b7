// Consumer.durable as buildGraph computes it: an exporter that keeps its queue on disk makes
// everything in front of it durable (a processor, a fan-out with any durable branch, a
// connector that hands its input on), so that a batch processor there knows not to answer
// while it holds data in memory.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildGraph } from '../../../src/pipeline/graph.ts';
import type { ExporterFactory } from '../../../src/pipeline/component.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { silentLogger } from '../../../src/telemetry/logger.ts';
import { fakeReceiver, forwardLike, makeConfig, passProcessor, sinkExporter } from './helpers.ts';

const durableSink: ExporterFactory = {
  ...sinkExporter,
  type: 'dsink',
  config: z.strictObject({}),
  create: () => ({ mutates: false, durable: true, consume: async () => {}, start: async () => {}, shutdown: async () => {} }),
};

const build = (spec: Parameters<typeof makeConfig>[0]) => buildGraph(makeConfig(spec), { logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 });
const durable = (c: Consumer | undefined) => c?.durable === true;

describe('Consumer.durable through the graph', () => {
  it('a pipeline is durable in front of a durable exporter, through its processors', () => {
    const g = build({
      receivers: { fake: fakeReceiver },
      processors: { pass: [passProcessor] },
      exporters: { 'dsink/a': durableSink, 'sink/b': sinkExporter },
      pipelines: {
        'logs/d': { receivers: ['fake'], processors: ['pass'], exporters: ['dsink/a'] },
        'logs/m': { receivers: ['fake'], processors: ['pass'], exporters: ['sink/b'] },
        // One durable branch of a fan-out is enough: the answer waits for it.
        'logs/both': { receivers: ['fake'], exporters: ['sink/b', 'dsink/a'] },
      },
    });
    expect(durable(g.entries.get('logs/d'))).toBe(true);
    expect(durable(g.entries.get('logs/m'))).toBe(false);
    expect(durable(g.entries.get('logs/both'))).toBe(true);
  });

  it('a connector that hands its input on is durable when a pipeline it feeds is', () => {
    const g = build({
      receivers: { fake: fakeReceiver },
      exporters: { 'dsink/a': durableSink, 'sink/b': sinkExporter },
      connectors: { fwd: forwardLike, 'fwd/m': forwardLike },
      pipelines: {
        'logs/in': { receivers: ['fake'], exporters: ['fwd'] },
        'logs/out': { receivers: ['fwd'], exporters: ['dsink/a'] },
        'logs/in2': { receivers: ['fake'], exporters: ['fwd/m'] },
        'logs/out2': { receivers: ['fwd/m'], exporters: ['sink/b'] },
      },
    });
    expect(durable(g.entries.get('logs/in'))).toBe(true);
    expect(durable(g.entries.get('logs/in2'))).toBe(false);
  });
});

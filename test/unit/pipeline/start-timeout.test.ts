// service.start_timeout: a component whose start never settles stops the start with an error
// naming it (an ETIMEDOUT: reported without a stack), and what started before it is stopped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Service, StartTimeoutError } from '../../../src/pipeline/service.ts';
import type { ExporterFactory } from '../../../src/pipeline/component.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { silentLogger } from '../../../src/telemetry/logger.ts';
import { isOperatorError } from '../../../src/cli/fatal.ts';
import { events, fakeReceiver, makeConfig, sinkExporter } from './helpers.ts';

/** An exporter whose start never settles (as a mkdir under /proc). */
const stuckExporter: ExporterFactory = {
  kind: 'exporter',
  type: 'stuck',
  description: 'test',
  signals: { logs: 'stable' },
  config: z.strictObject({}),
  create: () => ({
    mutates: false,
    consume: async () => {},
    start: () => new Promise<void>(() => {}),
    shutdown: async () => {},
  }),
};

beforeEach(() => {
  events.length = 0;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function config(startTimeoutMs?: number) {
  const c = makeConfig({
    receivers: { fake: fakeReceiver },
    exporters: { sink: sinkExporter, stuck: stuckExporter },
    pipelines: { logs: { receivers: ['fake'], exporters: ['sink', 'stuck'] } },
  });
  if (startTimeoutMs !== undefined) c.service.startTimeoutMs = startTimeoutMs;
  return c;
}

describe('service.start_timeout', () => {
  it('a start that never settles fails after the timeout, naming the component; what started is stopped', async () => {
    const svc = new Service(config(5000), { logger: silentLogger(), metrics: new SelfMetrics() });
    const started = svc.start();
    const outcome = started.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await vi.advanceTimersByTimeAsync(4999);
    expect(svc.state).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    const err = await outcome;
    expect(err?.message).toBe('exporter/stuck@logs failed to start: did not start within 5000 ms (service.start_timeout)');
    expect(err?.cause).toBeInstanceOf(StartTimeoutError);
    expect(isOperatorError(err)).toBe(true); // one FATAL line, no stack
    expect(events).toContain('stop exporter sink@logs');
    expect(events).not.toContain('start receiver');
    expect(svc.state).toBe('stopped');
  });

  it('defaults to 60 s', async () => {
    const svc = new Service(config(), { logger: silentLogger(), metrics: new SelfMetrics() });
    const outcome = svc.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    await vi.advanceTimersByTimeAsync(59_999);
    expect(svc.state).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    expect((await outcome)?.message).toMatch(/did not start within 60000 ms/);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Batch } from '../../../src/pdata/batch.ts';
import { ConsumerError } from '../../../src/pipeline/consumer.ts';
import {
  createQueuedExporter,
  exporterHelperFields,
  ExportError,
  httpStatusError,
  grpcStatusError,
  parseRetryAfter,
  toExportError,
  type HelperConfig,
  type Sender,
} from '../../../src/exporters/helper/index.ts';
import { backoffDelay } from '../../../src/net/backoff.ts';
import { RingQueue } from '../../../src/exporters/helper/ring-queue.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until, untilTimers } from '../../helpers/wait.ts';
import { logsBatch, metricValue } from './fixtures.ts';

const schema = z.strictObject(exporterHelperFields());

/** Fast retries for tests; `over` patches the parsed config. */
function cfg(over: { queue?: Partial<HelperConfig['sending_queue']>; retry?: Partial<HelperConfig['retry_on_failure']>; timeout?: number } = {}): HelperConfig {
  const c = schema.parse({ retry_on_failure: { initial_interval: '10ms', max_interval: '40ms', max_elapsed_time: '2s' } }) as HelperConfig;
  Object.assign(c.sending_queue, over.queue);
  Object.assign(c.retry_on_failure, over.retry);
  if (over.timeout !== undefined) c.timeout = over.timeout;
  return c;
}

/** The exporter's timers (backoff, attempt timeout, shutdown deadline) on a fake clock that dates the calls. */
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
afterEach(() => {
  vi.useRealTimers();
});

/** A sender that plays a script of outcomes, then succeeds; records when each call came (Date.now()). */
class ScriptedSender implements Sender {
  calls: Array<{ batch: Batch; at: number }> = [];
  delivered: Batch[] = [];
  script: Array<Error | 'hang' | number>;
  shutdownCalled = false;
  constructor(...script: Array<Error | 'hang' | number>) {
    this.script = script;
  }
  async send(batch: Batch, _signal: string, deadline: AbortSignal): Promise<void> {
    this.calls.push({ batch, at: Date.now() });
    const step = this.script.shift();
    if (step === 'hang' || typeof step === 'number') {
      await new Promise<void>((resolve, reject) => {
        const t = step === 'hang' ? undefined : setTimeout(resolve, step);
        deadline.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            reject(deadline.reason);
          },
          { once: true },
        );
      });
    } else if (step !== undefined) {
      throw step;
    }
    this.delivered.push(batch);
  }
  async shutdown(): Promise<void> {
    this.shutdownCalled = true;
  }
}

describe('config', () => {
  it("has otelcol's keys and defaults", () => {
    const c = schema.parse({});
    expect(c).toEqual({
      timeout: 5000,
      sending_queue: { enabled: true, num_consumers: 10, queue_size: 1000, sizer: 'requests' },
      retry_on_failure: { enabled: true, initial_interval: 5000, randomization_factor: 0.5, multiplier: 1.5, max_interval: 30000, max_elapsed_time: 300000 },
    });
    expect(z.strictObject(exporterHelperFields({ queueEnabled: false })).parse({}).sending_queue.enabled).toBe(false);
    expect(() => schema.parse({ sending_queue: { size: 3 } })).toThrow(/size/);
    expect(schema.parse({ sending_queue: { sizer: 'items' } }).sending_queue.sizer).toBe('items');
    expect(() => schema.parse({ sending_queue: { sizer: 'bytes' } })).toThrow(/requests|items/);
  });
});

describe('ring queue', () => {
  it('keeps FIFO order across wrap-around while it grows to its capacity, and no further', () => {
    const q = new RingQueue<number>(200);
    let next = 0;
    let expectNext = 0;
    // Interleave pushes and shifts so the head moves before each growth.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++) expect(q.push(next++)).toBe(true);
      for (let i = 0; i < 10; i++) expect(q.shift()).toBe(expectNext++);
    }
    for (let i = 0; i < 40; i++) expect(q.push(next++)).toBe(true);
    expect(q.size).toBe(200);
    expect(q.push(next)).toBe(false);
    while (q.size > 0) expect(q.shift()).toBe(expectNext++);
    expect(expectNext).toBe(240);
    expect(q.shift()).toBeUndefined();
  });
});

describe('errors', () => {
  it('classifies HTTP statuses and honours Retry-After', () => {
    expect(httpStatusError(503, 'busy', '7')).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(httpStatusError(429, '', undefined)).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(httpStatusError(400, 'bad span').retryable).toBe(false);
    expect(httpStatusError(400, 'bad span').message).toBe('HTTP 400: bad span');
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });
  it('classifies gRPC codes', () => {
    for (const code of [1, 4, 8, 10, 11, 14, 15]) expect(grpcStatusError(code, '').retryable).toBe(true);
    for (const code of [2, 3, 7, 12, 13, 16]) expect(grpcStatusError(code, '').retryable).toBe(false);
    expect(grpcStatusError(14, 'no peer').message).toBe('gRPC UNAVAILABLE: no peer');
  });
  it('treats network and disk errors as retryable, bugs as permanent', () => {
    expect(toExportError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).retryable).toBe(true);
    expect(toExportError(Object.assign(new Error('no space left'), { code: 'ENOSPC' })).retryable).toBe(true);
    expect(toExportError(new TypeError('x is undefined')).retryable).toBe(false);
  });
  it('grows the backoff with jitter inside the bounds', () => {
    const r = { enabled: true, initial_interval: 100, randomization_factor: 0.5, multiplier: 2, max_interval: 300, max_elapsed_time: 0 };
    expect(backoffDelay(r, 0, () => 0)).toBe(50);
    expect(backoffDelay(r, 0, () => 1)).toBe(150);
    expect(backoffDelay(r, 1, () => 0.5)).toBe(200);
    expect(backoffDelay(r, 5, () => 0.5)).toBe(300); // capped at max_interval
  });
});

describe('queued exporter', () => {
  it('retries retryable failures with growing waits, then delivers', async () => {
    const s = testSettings('otlp/peer');
    const sender = new ScriptedSender(ExportError.retryable('503'), ExportError.retryable('503'), ExportError.retryable('503'));
    fakeClock();
    const exp = createQueuedExporter(s, 'logs', cfg({ retry: { randomization_factor: 0, initial_interval: 20, multiplier: 2, max_interval: 1000 } }), sender);
    await exp.start({ components: () => [] });
    await exp.consume(logsBatch(3));
    await untilTimers(() => sender.delivered.length === 1, 100, 'delivery');
    const gaps = sender.calls.slice(1).map((c, i) => c.at - sender.calls[i].at);
    expect(gaps).toEqual([20, 40, 80]);
    expect(await metricValue(s, 'otelcol_exporter_sent_log_records_total', 'otlp/peer')).toBe(3);
    expect(await metricValue(s, 'otelcol_exporter_send_failed_log_records_total', 'otlp/peer')).toBe(0);
    expect(exp.health!().healthy).toBe(true);
    await exp.shutdown();
  });

  it("waits at least the peer's Retry-After", async () => {
    const s = testSettings();
    const sender = new ScriptedSender(ExportError.retryable('429', 150));
    fakeClock();
    const exp = createQueuedExporter(s, 'logs', cfg({ retry: { initial_interval: 5 } }), sender);
    await exp.consume(logsBatch(1));
    await untilTimers(() => sender.delivered.length === 1, 100, 'delivery');
    expect(sender.calls[1].at - sender.calls[0].at).toBeGreaterThanOrEqual(150);
    await exp.shutdown();
  });

  it('drops a permanent failure at once, counted with its reason and logged once', async () => {
    const s = testSettings('otlphttp/x');
    const sender = new ScriptedSender(ExportError.permanent('HTTP 400: bad'));
    const exp = createQueuedExporter(s, 'logs', cfg(), sender);
    await exp.consume(logsBatch(4));
    await until(async () => (await metricValue(s, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')) === 4);
    expect(sender.calls.length).toBe(1);
    expect(await metricValue(s, 'otelcol_exporter_send_failed_log_records_total', 'otlphttp/x')).toBe(4);
    expect(await metricValue(s, 'genrf_collector_dropped_items_total', 'component="exporter/otlphttp/x"', 'otel_signal="logs"')).toBe(4);
    const warns = s.logs.filter((l) => l.reason === 'permanent_error');
    expect(warns.length).toBe(1);
    expect(String(warns[0].msg)).toContain('HTTP 400: bad');
    expect(exp.health!()).toEqual({ healthy: false, message: 'HTTP 400: bad' });
    await exp.shutdown();
  });

  it('gives up after max_elapsed_time and counts retries_exhausted', async () => {
    const s = testSettings();
    const errs = Array.from({ length: 100 }, () => ExportError.retryable('down'));
    const exp = createQueuedExporter(s, 'logs', cfg({ retry: { max_elapsed_time: 100 } }), new ScriptedSender(...errs));
    await exp.consume(logsBatch(2));
    await until(async () => (await metricValue(s, 'genrf_collector_dropped_items_total', 'reason="retries_exhausted"')) === 2);
    await exp.shutdown();
  });

  it('refuses with a retryable queue_full when the queue is full, and counts it', async () => {
    const s = testSettings('file/slow');
    const sender = new ScriptedSender('hang', 'hang');
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { num_consumers: 1, queue_size: 2 } }), sender);
    await exp.consume(logsBatch(1)); // taken by the worker, hangs
    await until(() => sender.calls.length === 1);
    await exp.consume(logsBatch(1));
    await exp.consume(logsBatch(1)); // queue now holds 2
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'file/slow')).toBe(2);
    expect(await metricValue(s, 'otelcol_exporter_queue_capacity', 'file/slow')).toBe(2);
    const err = await exp.consume(logsBatch(5)).catch((e) => e);
    expect(err).toBeInstanceOf(ConsumerError);
    expect(err).toMatchObject({ retryable: true, reason: 'queue_full', retryAfterMs: 1000 });
    expect(await metricValue(s, 'otelcol_exporter_enqueue_failed_log_records_total', 'file/slow')).toBe(5);
  });

  it('with sizer: items, queue_size bounds the items queued, and the gauges count items', async () => {
    const s = testSettings('file/items');
    const sender = new ScriptedSender('hang');
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { num_consumers: 1, queue_size: 10, sizer: 'items' } }), sender);
    await exp.consume(logsBatch(3)); // taken by the worker, hangs
    await until(() => sender.calls.length === 1);
    await exp.consume(logsBatch(4));
    await exp.consume(logsBatch(4));
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'file/items')).toBe(8);
    expect(await metricValue(s, 'otelcol_exporter_queue_capacity', 'file/items')).toBe(10);
    const err = await exp.consume(logsBatch(3)).catch((e) => e);
    expect(err).toMatchObject({ retryable: true, reason: 'queue_full' });
    expect(err.message).toContain('10 logs items');
    expect(await metricValue(s, 'otelcol_exporter_enqueue_failed_log_records_total', 'file/items')).toBe(3);
    await exp.consume(logsBatch(2)); // exactly fills it
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'file/items')).toBe(10);
    await expect(exp.consume(logsBatch(1))).rejects.toMatchObject({ reason: 'queue_full' });
  });

  it('with sizer: items, a batch bigger than the whole queue is taken when the queue is empty', async () => {
    const s = testSettings('file/big');
    const sender = new ScriptedSender(100, 100);
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { num_consumers: 1, queue_size: 5, sizer: 'items' } }), sender);
    await exp.consume(logsBatch(1)); // the worker sends it for 100 ms; the queue is empty
    await until(() => sender.calls.length === 1);
    await exp.consume(logsBatch(20));
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'file/big')).toBe(20);
    await expect(exp.consume(logsBatch(1))).rejects.toMatchObject({ reason: 'queue_full' });
    await until(() => sender.delivered.length === 2, 3000, 'delivery');
    expect(sender.delivered.map((b) => b.items)).toEqual([1, 20]);
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'file/big')).toBe(0);
    await exp.consume(logsBatch(5)); // room again
    await until(() => sender.delivered.length === 3);
    await exp.shutdown();
  });

  it('shutdown refuses new batches and drains the queue when the peer is up', async () => {
    const s = testSettings('otlp/up', 5000);
    const sender = new ScriptedSender(...Array.from({ length: 20 }, () => 10));
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { num_consumers: 2 } }), sender);
    for (let i = 0; i < 20; i++) await exp.consume(logsBatch(1));
    const done = exp.shutdown();
    const refused = await exp.consume(logsBatch(1)).catch((e) => e);
    expect(refused).toMatchObject({ retryable: true, reason: 'shutting_down' });
    await done;
    expect(sender.delivered.length).toBe(20);
    expect(sender.shutdownCalled).toBe(true);
    expect(await metricValue(s, 'genrf_collector_dropped_items_total')).toBeNaN(); // no drop series at all
    expect(await metricValue(s, 'otelcol_exporter_queue_size', 'otlp/up')).toBe(0);
  });

  it('shutdown keeps retrying until its deadline, then drops and counts what is left', async () => {
    const s = testSettings('otlp/down', 300);
    const errs = Array.from({ length: 1000 }, () => ExportError.retryable('connect ECONNREFUSED'));
    const sender = new ScriptedSender(...errs);
    fakeClock();
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { num_consumers: 1 }, retry: { max_elapsed_time: 0, initial_interval: 20, max_interval: 20 } }), sender);
    for (let i = 0; i < 5; i++) await exp.consume(logsBatch(2));
    await untilTimers(() => sender.calls.length >= 1, 100, 'the first attempt');
    const started = Date.now();
    let stopped = false;
    void exp.shutdown().then(() => {
      stopped = true;
    });
    await untilTimers(() => stopped, 1000, 'shutdown');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(400);
    expect(sender.calls.length).toBeGreaterThan(5); // retried during the drain
    expect(await metricValue(s, 'genrf_collector_dropped_items_total', 'reason="shutdown_timeout"')).toBe(10);
    expect(await metricValue(s, 'otelcol_exporter_send_failed_log_records_total', 'otlp/down')).toBe(10);
    const summary = s.logs.filter((l) => l.reason === 'shutdown_timeout');
    expect(summary.length).toBe(1);
    expect(String(summary[0].msg)).toContain('ECONNREFUSED');
    expect(sender.shutdownCalled).toBe(true);
  });

  it('a hung attempt is cut by the timeout and retried', async () => {
    const s = testSettings();
    const sender = new ScriptedSender('hang');
    const exp = createQueuedExporter(s, 'logs', cfg({ timeout: 50 }), sender);
    await exp.consume(logsBatch(1));
    await until(() => sender.delivered.length === 1);
    expect(sender.calls.length).toBe(2);
    await exp.shutdown();
  });

  it('with the queue disabled, consume waits for delivery and reports failures to the caller', async () => {
    const s = testSettings('debug');
    const sender = new ScriptedSender(ExportError.retryable('x'), ExportError.permanent('bad data'));
    const exp = createQueuedExporter(s, 'logs', cfg({ queue: { enabled: false }, retry: { enabled: false } }), sender);
    const e1 = await exp.consume(logsBatch(1)).catch((e) => e);
    expect(e1).toMatchObject({ retryable: true, reason: 'retry_disabled' });
    const e2 = await exp.consume(logsBatch(3)).catch((e) => e);
    expect(e2).toMatchObject({ retryable: false, reason: 'permanent_error' });
    await exp.consume(logsBatch(1));
    expect(sender.delivered.length).toBe(1);
    expect(await metricValue(s, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')).toBe(3);
    await exp.shutdown();
  });

  it('is unhealthy while the last attempt failed, healthy again after a success', async () => {
    const s = testSettings();
    const sender = new ScriptedSender(ExportError.retryable('peer down'), 'hang');
    // Each state lasts only until the next timer: on the fake clock the test sees every one.
    fakeClock();
    const exp = createQueuedExporter(s, 'logs', cfg({ timeout: 200, retry: { initial_interval: 150, randomization_factor: 0 } }), sender);
    await exp.consume(logsBatch(1));
    await until(() => sender.calls.length === 1 && !exp.health!().healthy, 5000, 'the failure to show in health');
    expect(exp.health!()).toEqual({ healthy: false, message: 'peer down' });
    await untilTimers(() => sender.calls.length === 2, 10, 'the retry');
    await untilTimers(() => exp.health!().message === 'timed out after 200ms', 10, 'the attempt to time out');
    expect(exp.health!().healthy).toBe(false);
    await untilTimers(() => sender.delivered.length === 1, 10, 'delivery');
    expect(exp.health!().healthy).toBe(true);
    await exp.shutdown();
  });
});

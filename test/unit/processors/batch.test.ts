import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { ConsumerError, type Consumer } from '../../../src/pipeline/consumer.ts';
import { batchProcessorConfig } from '../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../src/processors/batch/factory.ts';
import type { BatchProcessor } from '../../../src/processors/batch/processor.ts';
import type { TracesData } from '../../../src/pdata/types.ts';
import { traceRequest } from '../receivers/otlp/helpers.ts';
import { testSettings } from '../../helpers/settings.ts';
import { turn, until, untilTimers } from '../../helpers/wait.ts';
import { metricValue } from '../exporters/fixtures.ts';

/**
 * A next consumer that records batches; `gate` holds them until released; `refuse` fails
 * them; `script` fails the next calls with its errors, one each, before `refuse` applies.
 */
class Next implements Consumer {
  readonly mutates = false;
  readonly batches: Batch[] = [];
  /** When each call came (Date.now(): the fake clock under fake timers), refused or not. */
  readonly calls: number[] = [];
  gate: Promise<void> | undefined;
  refuse: Error | undefined;
  script: Error[] = [];
  async consume(batch: Batch): Promise<void> {
    this.calls.push(Date.now());
    if (this.gate) await this.gate;
    const step = this.script.shift();
    if (step) throw step;
    if (this.refuse) throw this.refuse;
    this.batches.push(batch);
  }
  get items(): number {
    return this.batches.reduce((n, b) => n + b.items, 0);
  }
  /** The service.name of every resource delivered, in order. */
  services(): string[] {
    return this.batches.flatMap((b) => (b.data as TracesData).resourceSpans.map((rs) => rs.resource.attributes[0].value.stringValue!));
  }
}

function build(options: Record<string, unknown>, next = new Next(), shutdownTimeoutMs = 2000) {
  const settings = testSettings('batch', shutdownTimeoutMs);
  const p = batchProcessorFactory.create(settings, batchProcessorConfig.parse(options), 'traces', next) as BatchProcessor;
  return { p, next, settings };
}

const spans = (n: number, service = 'svc') => Batch.fromProto('traces', traceRequest(n, service), n);
/** The processor's timers (batch timeout, backoff, shutdown deadline) on a fake clock that dates the calls. */
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
afterEach(() => {
  vi.useRealTimers();
});

/** Whether a promise has settled (after letting pending callbacks run). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await turn();
  return done;
}

describe('batch processor config', () => {
  it('has otelcol defaults and a bounded pending size', () => {
    const c = batchProcessorConfig.parse({});
    expect(c).toEqual({ send_batch_size: 8192, send_batch_max_size: 0, timeout: 200, max_pending_items: 81920, wait_for_export: false });
  });

  it('refuses send_batch_max_size below send_batch_size', () => {
    const r = batchProcessorConfig.safeParse({ send_batch_size: 100, send_batch_max_size: 50 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/send_batch_max_size \(50\) must be 0 \(no limit\) or at least send_batch_size \(100\)/);
  });
});

describe.each([false, true])('batch processor, wait_for_export: %s', (wait) => {
  const mk = (options: Record<string, unknown>, next?: Next) => build({ ...options, wait_for_export: wait }, next);

  it('sends one merged batch when send_batch_size is reached', async () => {
    const { p, next } = mk({ send_batch_size: 10, timeout: '10s' });
    const a = p.consume(spans(4));
    const b = p.consume(spans(4));
    expect(next.batches).toHaveLength(0);
    const c = p.consume(spans(4));
    await Promise.all([a, b, c]);
    await until(() => next.batches.length > 0);
    expect(next.batches).toHaveLength(1);
    expect(next.batches[0].items).toBe(12);
    await p.shutdown();
  });

  it('concatenates protobuf-only batches without decoding them, keeping every item', async () => {
    const { p, next } = mk({ send_batch_size: 5, timeout: '10s' });
    await Promise.all([p.consume(spans(2, 'a')), p.consume(spans(3, 'b'))]);
    await until(() => next.batches.length > 0);
    const out = next.batches[0];
    expect(out.decoded).toBe(false);
    expect(out.items).toBe(5);
    expect(Buffer.from(out.toProto())).toEqual(Buffer.concat([traceRequest(2, 'a'), traceRequest(3, 'b')]));
    // Decoding the concatenation gives both resources with all their spans.
    const data = out.data as TracesData;
    expect(data.resourceSpans.map((rs) => rs.resource.attributes[0].value.stringValue)).toEqual(['a', 'b']);
    expect(data.resourceSpans.map((rs) => rs.scopeSpans[0].spans.length)).toEqual([2, 3]);
    await p.shutdown();
  });

  it('merges decoded and protobuf batches into one decoded batch, keeping every item in order', async () => {
    const { p, next } = mk({ send_batch_size: 5, timeout: '10s' });
    const decoded = spans(2, 'a');
    void decoded.data; // a processor upstream looked inside
    await Promise.all([p.consume(decoded), p.consume(spans(3, 'b'))]);
    await until(() => next.batches.length > 0);
    const out = next.batches[0];
    expect(out.items).toBe(5);
    const data = out.data as TracesData;
    expect(data.resourceSpans.map((rs) => rs.resource.attributes[0].value.stringValue)).toEqual(['a', 'b']);
    expect(data.resourceSpans.flatMap((rs) => rs.scopeSpans[0].spans.map((s) => s.name))).toEqual(['span-0', 'span-1', 'span-0', 'span-1', 'span-2']);
    await p.shutdown();
  });

  it('never sends more than send_batch_max_size: requests go into separate batches', async () => {
    const { p, next } = mk({ send_batch_size: 10, send_batch_max_size: 10, timeout: '10s' });
    await Promise.all([p.consume(spans(6)), p.consume(spans(6))]);
    await until(() => next.batches.length === 2);
    expect(next.batches.map((b) => b.items)).toEqual([6, 6]);
    await p.shutdown();
  });

  it('splits a single request bigger than send_batch_max_size', async () => {
    const { p, next } = mk({ send_batch_size: 10, send_batch_max_size: 10, timeout: '10s' });
    await p.consume(spans(25));
    await until(() => next.batches.length === 3);
    expect(next.batches.map((b) => b.items)).toEqual([10, 10, 5]);
    const names = next.batches.flatMap((b) => (b.data as TracesData).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `span-${i}`));
    expect(p.heldItems).toBe(0);
    await p.shutdown();
  });

  it('sends what is pending on shutdown', async () => {
    const { p, next, settings } = mk({ send_batch_size: 100, timeout: '1h' });
    const a = p.consume(spans(3));
    await p.shutdown();
    await a;
    expect(next.batches.map((b) => b.items)).toEqual([3]);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
  });
});

describe('batch processor, wait_for_export: true', () => {
  const make = (options: Record<string, unknown>, next?: Next) => build({ ...options, wait_for_export: true }, next);

  it('answers a request only after the timeout sent its batch', async () => {
    fakeClock();
    const { p, next } = make({ send_batch_size: 100, timeout: '50ms' });
    const a = p.consume(spans(3));
    await vi.advanceTimersByTimeAsync(49);
    expect(next.batches).toHaveLength(0);
    expect(await settled(a)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await a;
    expect(next.batches.map((b) => b.items)).toEqual([3]);
    await p.shutdown();
  });

  it('answers a request only once the next consumer accepted its batch', async () => {
    let release!: () => void;
    const next = new Next();
    next.gate = new Promise((r) => {
      release = r;
    });
    const { p } = make({ send_batch_size: 2, timeout: '10s' }, next);
    const a = p.consume(spans(2));
    expect(await settled(a)).toBe(false);
    release();
    await a;
    expect(next.batches).toHaveLength(1);
    await p.shutdown();
  });

  it('passes a downstream refusal to every request in the batch', async () => {
    const next = new Next();
    next.refuse = ConsumerError.retryable('queue_full', 'queue is full', 1500);
    const { p } = make({ send_batch_size: 6, timeout: '10s' }, next);
    const results = await Promise.allSettled([p.consume(spans(2)), p.consume(spans(2)), p.consume(spans(2))]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as ConsumerError;
      expect(err.retryable).toBe(true);
      expect(err.reason).toBe('queue_full');
      expect(err.retryAfterMs).toBe(1500);
    }
    expect(p.heldItems).toBe(0);
    await p.shutdown();
  });

  it('tells each request of a batch refused for good how many of its items were rejected', async () => {
    const next = new Next();
    next.refuse = ConsumerError.permanent('permanent_error', 'bad spans', 3);
    const { p } = make({ send_batch_size: 7, timeout: '10s' }, next);
    const results = await Promise.allSettled([p.consume(spans(2)), p.consume(spans(5))]);
    expect(results.map((r) => ((r as PromiseRejectedResult).reason as ConsumerError).rejected)).toEqual([2, 3]);
    await p.shutdown();
  });

  it('refuses with batch_full above max_pending_items, and takes data again once it drains', async () => {
    let release!: () => void;
    const next = new Next();
    next.gate = new Promise((r) => {
      release = r;
    });
    const { p } = make({ send_batch_size: 4, timeout: '10s', max_pending_items: 10 }, next);
    const held = [p.consume(spans(4)), p.consume(spans(4))];
    await expect(p.consume(spans(4))).rejects.toMatchObject({ retryable: true, reason: 'batch_full' });
    release();
    await Promise.all(held);
    next.gate = undefined;
    await p.consume(spans(4));
    expect(next.batches.reduce((n, b) => n + b.items, 0)).toBe(12);
    await p.shutdown();
  });
});

describe('batch processor, wait_for_export: false (default)', () => {
  const make = (options: Record<string, unknown>, next?: Next, shutdownTimeoutMs?: number) => build(options, next, shutdownTimeoutMs);
  const retryable = (reason: ConsumerError['reason'] = 'queue_full', retryAfterMs?: number) => ConsumerError.retryable(reason, `downstream: ${reason}`, retryAfterMs);

  it('answers at once, before the batch is sent or accepted', async () => {
    let release!: () => void;
    const next = new Next();
    next.gate = new Promise((r) => {
      release = r;
    });
    const { p } = make({ send_batch_size: 100, timeout: '100ms' }, next);
    const started = performance.now();
    await p.consume(spans(3, 'a'));
    await p.consume(spans(4, 'b'));
    expect(performance.now() - started).toBeLessThan(50); // not held for `timeout` per request
    expect(next.calls).toHaveLength(0);
    expect(p.heldItems).toBe(7);
    await until(() => next.calls.length === 1); // the timeout sent it; the gate holds it
    release();
    await until(() => next.items === 7);
    expect(next.services()).toEqual(['a', 'b']);
    expect(p.heldItems).toBe(0);
    await p.shutdown();
  });

  it('retries a batch refused retryably, with growing waits, and delivers everything once, in order', async () => {
    const next = new Next();
    next.script = [retryable(), retryable(), retryable()];
    fakeClock();
    const { p, settings } = make({ send_batch_size: 4, timeout: '10s' }, next);
    await p.consume(spans(4, 'first'));
    await p.consume(spans(4, 'second')); // queued behind the refused one
    await untilTimers(() => next.items === 8, 1000, 'delivery');
    expect(next.services()).toEqual(['first', 'second']);
    expect(next.calls.length).toBe(5); // 3 refusals of the first, then both
    const gaps = next.calls.slice(1, 4).map((t, i) => t - next.calls[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(75); // 100 ms ± 20 %
    expect(gaps[1]).toBeGreaterThanOrEqual(155); // 200 ms ± 20 %
    expect(gaps[2]).toBeGreaterThanOrEqual(315); // 400 ms ± 20 %
    expect(gaps[2]).toBeLessThan(490);
    expect(p.heldItems).toBe(0);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
    // One line for the outage, not one per attempt.
    expect(settings.logs.filter((l) => l.reason === 'queue_full')).toHaveLength(1);
    await p.shutdown();
  });

  it("waits at least the next consumer's retryAfterMs", async () => {
    const next = new Next();
    next.script = [retryable('memory_limit', 400)];
    fakeClock();
    const { p } = make({ send_batch_size: 2, timeout: '10s' }, next);
    await p.consume(spans(2));
    await untilTimers(() => next.items === 2, 1000, 'delivery');
    expect(next.calls[1] - next.calls[0]).toBeGreaterThanOrEqual(400);
    await p.shutdown();
  });

  it('refuses with batch_full while refused batches fill max_pending_items, and loses nothing it answered', async () => {
    const next = new Next();
    next.refuse = retryable('queue_full', 700);
    fakeClock();
    const { p } = make({ send_batch_size: 4, timeout: '10s', max_pending_items: 10 }, next);
    await p.consume(spans(4, 'a'));
    await p.consume(spans(4, 'b'));
    await until(() => next.calls.length >= 1);
    const err = await p.consume(spans(4, 'c')).catch((e) => e);
    expect(err).toBeInstanceOf(ConsumerError);
    // Senders are told to wait as long as the processor itself waits before retrying.
    expect(err).toMatchObject({ retryable: true, reason: 'batch_full', retryAfterMs: 700 });
    expect(p.heldItems).toBe(8);
    next.refuse = undefined; // downstream recovers
    await untilTimers(() => next.items === 8, 1000, 'delivery');
    expect(next.services()).toEqual(['a', 'b']);
    await p.consume(spans(2, 'd')); // room again
    expect(p.heldItems).toBe(2);
    await p.shutdown();
    expect(next.services()).toEqual(['a', 'b', 'd']);
  });

  it('drops a batch refused for good, counts it and logs it once, and goes on', async () => {
    const next = new Next();
    next.script = [ConsumerError.permanent('permanent_error', 'bad spans')];
    const { p, settings } = make({ send_batch_size: 5, timeout: '10s' }, next);
    await p.consume(spans(5, 'bad'));
    await p.consume(spans(5, 'good'));
    await until(() => next.items === 5);
    expect(next.services()).toEqual(['good']);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'component="processor/batch"', 'otel_signal="traces"', 'reason="permanent_error"')).toBe(5);
    const warns = settings.logs.filter((l) => l.reason === 'permanent_error');
    expect(warns).toHaveLength(1);
    expect(String(warns[0].msg)).toContain('bad spans');
    expect(p.heldItems).toBe(0);
    await p.shutdown();
  });

  it('counts only the rejected items of a partly refused batch', async () => {
    const next = new Next();
    next.script = [ConsumerError.permanent('partial_success', '3 spans rejected', 3)];
    const { p, settings } = make({ send_batch_size: 5, timeout: '10s' }, next);
    await p.consume(spans(5));
    await until(() => next.calls.length === 1);
    await p.shutdown();
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')).toBe(3);
  });

  it('shutdown flushes what is held and retries refusals while time is left', async () => {
    const next = new Next();
    next.script = [retryable(), retryable()];
    fakeClock();
    const { p, settings } = make({ send_batch_size: 100, timeout: '1h' }, next, 3000);
    await p.consume(spans(3, 'a'));
    await p.consume(spans(4, 'b'));
    let stopped = false;
    void p.shutdown().then(() => {
      stopped = true;
    });
    await untilTimers(() => stopped, 1000, 'shutdown');
    expect(next.items).toBe(7);
    expect(next.services()).toEqual(['a', 'b']);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
  });

  it('shutdown gives up at the shutdown timeout, then drops and counts what is left', async () => {
    const next = new Next();
    next.refuse = retryable('queue_full');
    fakeClock();
    const { p, settings } = make({ send_batch_size: 5, send_batch_max_size: 5, timeout: '1h' }, next, 400);
    await p.consume(spans(5));
    await p.consume(spans(5));
    await p.consume(spans(2));
    const started = Date.now();
    let stopped = false;
    void p.shutdown().then(() => {
      stopped = true;
    });
    await untilTimers(() => stopped, 1000, 'shutdown');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(500);
    expect(next.calls.length).toBeGreaterThan(1); // retried during the drain
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'component="processor/batch"', 'reason="shutdown_timeout"')).toBe(12);
    const summary = settings.logs.filter((l) => l.reason === 'shutdown_timeout');
    expect(summary).toHaveLength(1);
    expect(String(summary[0].msg)).toContain('12 traces items in 3 batches');
    expect(p.heldItems).toBe(0);
    // Stopped: new data is refused (retryable), not taken and lost.
    await expect(p.consume(spans(1))).rejects.toMatchObject({ retryable: true, reason: 'shutting_down' });
  });
});

import { describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { ConsumerError, type Consumer } from '../../../src/pipeline/consumer.ts';
import { batchProcessorConfig } from '../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../src/processors/batch/factory.ts';
import type { BatchProcessor } from '../../../src/processors/batch/processor.ts';
import type { TracesData } from '../../../src/pdata/types.ts';
import { testSettings, traceRequest } from '../receivers/otlp/helpers.ts';

/** A next consumer that records batches; `gate` holds them until released; `refuse` fails them. */
class Next implements Consumer {
  readonly mutates = false;
  readonly batches: Batch[] = [];
  gate: Promise<void> | undefined;
  refuse: Error | undefined;
  async consume(batch: Batch): Promise<void> {
    if (this.gate) await this.gate;
    if (this.refuse) throw this.refuse;
    this.batches.push(batch);
  }
}

function make(options: Record<string, unknown>, next = new Next()) {
  const settings = testSettings('batch');
  const p = batchProcessorFactory.create(settings, batchProcessorConfig.parse(options), 'traces', next) as BatchProcessor;
  return { p, next, settings };
}

const spans = (n: number, service = 'svc') => Batch.fromProto('traces', traceRequest(n, service), n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether a promise has settled (after letting pending callbacks run). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await sleep(5);
  return done;
}

describe('batch processor config', () => {
  it('has otelcol defaults and a bounded pending size', () => {
    const c = batchProcessorConfig.parse({});
    expect(c).toEqual({ send_batch_size: 8192, send_batch_max_size: 0, timeout: 200, max_pending_items: 81920 });
  });

  it('refuses send_batch_max_size below send_batch_size', () => {
    const r = batchProcessorConfig.safeParse({ send_batch_size: 100, send_batch_max_size: 50 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/send_batch_max_size \(50\) must be 0 \(no limit\) or at least send_batch_size \(100\)/);
  });
});

describe('batch processor', () => {
  it('sends one merged batch when send_batch_size is reached', async () => {
    const { p, next } = make({ send_batch_size: 10, timeout: '10s' });
    const a = p.consume(spans(4));
    const b = p.consume(spans(4));
    expect(next.batches).toHaveLength(0);
    const c = p.consume(spans(4));
    await Promise.all([a, b, c]);
    expect(next.batches).toHaveLength(1);
    expect(next.batches[0].items).toBe(12);
    await p.shutdown();
  });

  it('sends what it has when the timeout passes', async () => {
    const { p, next } = make({ send_batch_size: 100, timeout: '50ms' });
    const started = Date.now();
    const a = p.consume(spans(3));
    await sleep(10);
    expect(next.batches).toHaveLength(0);
    await a;
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(next.batches.map((b) => b.items)).toEqual([3]);
    await p.shutdown();
  });

  it('concatenates protobuf-only batches without decoding them, keeping every item', async () => {
    const { p, next } = make({ send_batch_size: 5, timeout: '10s' });
    await Promise.all([p.consume(spans(2, 'a')), p.consume(spans(3, 'b'))]);
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
    const { p, next } = make({ send_batch_size: 5, timeout: '10s' });
    const decoded = spans(2, 'a');
    void decoded.data; // a processor upstream looked inside
    await Promise.all([p.consume(decoded), p.consume(spans(3, 'b'))]);
    const out = next.batches[0];
    expect(out.items).toBe(5);
    const data = out.data as TracesData;
    expect(data.resourceSpans.map((rs) => rs.resource.attributes[0].value.stringValue)).toEqual(['a', 'b']);
    expect(data.resourceSpans.flatMap((rs) => rs.scopeSpans[0].spans.map((s) => s.name))).toEqual(['span-0', 'span-1', 'span-0', 'span-1', 'span-2']);
    await p.shutdown();
  });

  it('never sends more than send_batch_max_size: requests go into separate batches', async () => {
    const { p, next } = make({ send_batch_size: 10, send_batch_max_size: 10, timeout: '10s' });
    await Promise.all([p.consume(spans(6)), p.consume(spans(6))]);
    expect(next.batches.map((b) => b.items)).toEqual([6, 6]);
    await p.shutdown();
  });

  it('splits a single request bigger than send_batch_max_size', async () => {
    const { p, next } = make({ send_batch_size: 10, send_batch_max_size: 10, timeout: '10s' });
    await p.consume(spans(25));
    expect(next.batches.map((b) => b.items)).toEqual([10, 10, 5]);
    const names = next.batches.flatMap((b) => (b.data as TracesData).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `span-${i}`));
    await p.shutdown();
  });

  it('answers a request only once the next consumer accepted its batch', async () => {
    let release!: () => void;
    const next = new Next();
    next.gate = new Promise((r) => { release = r; });
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
    next.refuse = ConsumerError.permanent('invalid', 'bad spans', 3);
    const { p } = make({ send_batch_size: 7, timeout: '10s' }, next);
    const results = await Promise.allSettled([p.consume(spans(2)), p.consume(spans(5))]);
    expect(results.map((r) => ((r as PromiseRejectedResult).reason as ConsumerError).rejected)).toEqual([2, 3]);
    await p.shutdown();
  });

  it('refuses with batch_full above max_pending_items, and takes data again once it drains', async () => {
    let release!: () => void;
    const next = new Next();
    next.gate = new Promise((r) => { release = r; });
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

  it('sends what is pending on shutdown', async () => {
    const { p, next } = make({ send_batch_size: 100, timeout: '1h' });
    const a = p.consume(spans(3));
    await p.shutdown();
    await a;
    expect(next.batches.map((b) => b.items)).toEqual([3]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { Batch } from '../../../src/pdata/batch.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { computeLimits, memoryLimiterConfig } from '../../../src/processors/memory_limiter/config.ts';
import { MemoryLimiterProcessor } from '../../../src/processors/memory_limiter/processor.ts';
import { testSettings, traceRequest } from '../receivers/otlp/helpers.ts';
import { healthReport } from '../../../src/extensions/health_check/health-check.ts';

const MIB = 1024 * 1024;

class Next implements Consumer {
  readonly mutates = false;
  items = 0;
  async consume(b: Batch): Promise<void> {
    this.items += b.items;
  }
}

function make(options: Record<string, unknown>, usageMib: { readonly value: number }, extra: { gc?: () => void; readLive?: () => number } = {}) {
  const lines: Array<{ level: string; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  const settings = { ...testSettings('memory_limiter'), logger: createLogger('info', sink) };
  const next = new Next();
  const p = new MemoryLimiterProcessor(settings, memoryLimiterConfig.parse(options), 'traces', next, {
    readMemory: () => usageMib.value * MIB,
    availableMemory: 1000 * MIB,
    ...extra,
  });
  return { p, next, lines };
}

const batch = () => Batch.fromProto('traces', traceRequest(2), 2);
afterEach(() => {
  vi.useRealTimers();
});

describe('memory_limiter config', () => {
  it('needs a limit and says so', () => {
    const r = memoryLimiterConfig.safeParse({});
    expect(r.error!.issues[0].message).toMatch(/set limit_mib or limit_percentage/);
  });

  it('refuses a spike limit not below the limit', () => {
    const r = memoryLimiterConfig.safeParse({ limit_mib: 100, spike_limit_mib: 100 });
    expect(r.error!.issues[0].message).toMatch(/spike_limit_mib \(100\) must be smaller than limit_mib \(100\)/);
  });

  it('puts the soft limit 20% below the limit by default, for MiB and percentages', () => {
    expect(computeLimits(memoryLimiterConfig.parse({ limit_mib: 100 }), 0)).toEqual({ hard: 100 * MIB, soft: 80 * MIB });
    expect(computeLimits(memoryLimiterConfig.parse({ limit_percentage: 50, spike_limit_percentage: 10 }), 1000 * MIB)).toEqual({ hard: 500 * MIB, soft: 400 * MIB });
  });
});

describe('memory_limiter processor', () => {
  it('refuses above the soft limit and accepts again below it', async () => {
    const usage = { value: 50 };
    const { p, next } = make({ limit_mib: 100, check_interval: '1h' }, usage);
    await p.start();
    await p.consume(batch());
    expect(next.items).toBe(2);

    usage.value = 85;
    p.check();
    await expect(p.consume(batch())).rejects.toMatchObject({
      retryable: true,
      reason: 'memory_limit',
      message: expect.stringMatching(/memory use 85 MiB is above the soft limit 80 MiB/),
    });
    expect(next.items).toBe(2);

    usage.value = 60;
    p.check();
    await p.consume(batch());
    expect(next.items).toBe(4);
    await p.shutdown();
  });

  it('reads memory on its timer, not per batch, and stops reading on shutdown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const usage = { value: 50 };
    let reads = 0;
    const { p } = make({ limit_mib: 100, check_interval: '20ms' }, usage, {});
    const counting = new MemoryLimiterProcessor(testSettings('memory_limiter'), memoryLimiterConfig.parse({ limit_mib: 100, check_interval: '20ms' }), 'traces', new Next(), {
      readMemory: () => {
        reads++;
        return usage.value * MIB;
      },
    });
    await counting.start();
    for (let i = 0; i < 50; i++) await counting.consume(batch());
    expect(reads).toBeLessThan(5);
    usage.value = 90;
    vi.advanceTimersByTime(19);
    await counting.consume(batch()); // not read again yet
    vi.advanceTimersByTime(1);
    await expect(counting.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
    await counting.shutdown();
    const after = reads;
    vi.advanceTimersByTime(1000);
    expect(reads).toBe(after);
    await p.shutdown();
  });

  it('logs entering and leaving the refusing state once each', async () => {
    const usage = { value: 90 };
    const { p, lines } = make({ limit_mib: 100, check_interval: '1h' }, usage);
    await p.start();
    p.check();
    p.check();
    usage.value = 10;
    p.check();
    p.check();
    const msgs = lines.map((l) => `${l.level} ${l.msg}`);
    expect(msgs).toEqual(['WARN memory_limiter: memory use above the soft limit; refusing data until it drops', 'INFO memory_limiter: memory use back below the soft limit; accepting data']);
    await p.shutdown();
  });

  it('at or above the soft limit forces a collection and decides on what is left; below it, none', async () => {
    // RSS = live data + garbage; only a collection frees the garbage (as in V8).
    const mem = { live: 70, garbage: 15 };
    const usage = {
      get value() {
        return mem.live + mem.garbage;
      },
    };
    let gcs = 0;
    const { p, next } = make({ limit_mib: 100, check_interval: '1h' }, usage, {
      gc: () => {
        gcs++;
        mem.garbage = 0;
      },
    });
    await p.start(); // 85 MiB read, above the soft limit (80): collected, 70 left
    expect(gcs).toBe(1);
    await p.consume(batch());
    expect(next.items).toBe(2);
    mem.garbage = 5; // 75: below the soft limit, no collection
    p.check();
    expect(gcs).toBe(1);
    mem.live = 82; // live data above the soft limit: refused after the collection
    p.check();
    expect(gcs).toBe(2);
    await expect(p.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
    await p.shutdown();
  });

  it('takes data again at the first check after the pressure ended, though garbage keeps RSS up until a collection', async () => {
    vi.useFakeTimers();
    try {
      const mem = { live: 85, garbage: 0 };
      const usage = {
        get value() {
          return mem.live + mem.garbage;
        },
      };
      const { p, next } = make({ limit_mib: 100, spike_limit_mib: 20, check_interval: '500ms' }, usage, {
        gc: () => {
          mem.garbage = 0;
        },
      });
      await p.start();
      await expect(p.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
      // The queue drains: live data goes, but what it held is garbage now, and more garbage
      // comes from the refused requests; without a collection RSS would stay at 90 MiB.
      mem.live = 40;
      mem.garbage = 50;
      vi.advanceTimersByTime(500);
      await p.consume(batch());
      expect(next.items).toBe(2);
      expect(p.health()).toEqual({ healthy: true });
      await p.shutdown();
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes data while RSS holds memory the allocator kept, without collecting at every check, until RSS grew past the headroom', async () => {
    const mem = { rss: 170, live: 140 };
    let gcs = 0;
    const rss = {
      get value() {
        return mem.rss;
      },
    };
    const { p, next } = make({ limit_mib: 200, spike_limit_mib: 40, check_interval: '1h' }, rss, {
      readLive: () => mem.live * MIB,
      gc: () => {
        gcs++;
      },
    });
    await p.start(); // RSS 170 >= soft 160: collected; live 140 decides
    expect(gcs).toBe(1);
    await p.consume(batch());
    p.check();
    mem.rss = 185; // grown by 15: 155 in use at most, below the soft limit
    p.check();
    expect(gcs).toBe(1);
    await p.consume(batch());
    mem.rss = 195; // grown by 25: 165 may be in use, above the soft limit: collect and decide
    mem.live = 170;
    p.check();
    expect(gcs).toBe(2);
    await expect(p.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
    mem.rss = 201; // at the hard limit RSS decides, whatever is live
    mem.live = 10;
    p.check();
    await expect(p.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
    expect(next.items).toBe(4);
    await p.shutdown();
  });

  it('says in /health that it refuses, with the figures, for as long as it refuses', async () => {
    const usage = { value: 95 };
    const { p } = make({ limit_mib: 100, check_interval: '1h' }, usage, { gc: () => {} });
    await p.start();
    expect(p.health()).toEqual({ healthy: false, refusing: true, message: 'memory use 95 MiB is above the soft limit 80 MiB (hard limit 100 MiB)' });
    const host = { components: () => [{ id: 'processor/memory_limiter', kind: 'processor' as const, health: () => p.health() }] };
    const report = healthReport(host);
    expect(report.status).toBe('unhealthy');
    expect(report.checks['processor/memory_limiter']).toBe('refusing: memory use 95 MiB is above the soft limit 80 MiB (hard limit 100 MiB)');
    usage.value = 50;
    p.check();
    expect(healthReport(host)).toMatchObject({ status: 'healthy', checks: { 'processor/memory_limiter': 'healthy' } });
    await p.shutdown();
  });

  it('forces collections without --expose-gc on the command line', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const usage = { value: 120 }; // above the hard limit too
    const { p, lines } = make({ limit_mib: 100, check_interval: '1h' }, usage);
    await p.start();
    expect(lines.filter((l) => /cannot be forced/.test(l.msg))).toEqual([]);
    await p.shutdown();
  });
});

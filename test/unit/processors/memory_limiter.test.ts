import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Batch } from '../../../src/pdata/batch.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { computeLimits, memoryLimiterConfig } from '../../../src/processors/memory_limiter/config.ts';
import { MemoryLimiterProcessor } from '../../../src/processors/memory_limiter/processor.ts';
import { testSettings, traceRequest } from '../receivers/otlp/helpers.ts';

const MIB = 1024 * 1024;

class Next implements Consumer {
  readonly mutates = false;
  items = 0;
  async consume(b: Batch): Promise<void> {
    this.items += b.items;
  }
}

function make(options: Record<string, unknown>, usageMib: { value: number }, extra: { gc?: () => void } = {}) {
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    await sleep(80);
    await expect(counting.consume(batch())).rejects.toMatchObject({ reason: 'memory_limit' });
    await counting.shutdown();
    const after = reads;
    await sleep(60);
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

  it('forces a garbage collection above the hard limit', async () => {
    const usage = { value: 120 };
    let gcs = 0;
    const { p } = make({ limit_mib: 100, check_interval: '1h' }, usage, {
      gc: () => {
        gcs++;
      },
    });
    await p.start();
    expect(gcs).toBe(1);
    usage.value = 90; // above soft, below hard: refuse but no gc
    p.check();
    expect(gcs).toBe(1);
    await p.shutdown();
  });
});

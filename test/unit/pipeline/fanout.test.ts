import { describe, expect, it } from 'vitest';
import { Fanout, fanout } from '../../../src/pipeline/fanout.ts';
import { ConsumerError, type Consumer } from '../../../src/pipeline/consumer.ts';
import type { Batch } from '../../../src/pdata/batch.ts';
import { logsBatch } from './helpers.ts';

const recorder = (mutates: boolean, fail?: ConsumerError) => {
  const seen: Batch[] = [];
  const c: Consumer = {
    mutates,
    async consume(b) {
      seen.push(b);
      if (fail) throw fail;
    },
  };
  return { c, seen };
};

describe('fanout', () => {
  it('shares the batch among read-only consumers', async () => {
    const a = recorder(false),
      b = recorder(false);
    const batch = logsBatch('x');
    await new Fanout([a.c, b.c]).consume(batch);
    expect(a.seen[0]).toBe(batch);
    expect(b.seen[0]).toBe(batch);
  });

  it('copies for a mutating consumer when a reader shares the batch', async () => {
    const r = recorder(false),
      m = recorder(true);
    const batch = logsBatch('x');
    await new Fanout([m.c, r.c]).consume(batch);
    expect(r.seen[0]).toBe(batch);
    expect(m.seen[0]).not.toBe(batch);
  });

  it('gives the original to the last of several mutating consumers', async () => {
    const m1 = recorder(true),
      m2 = recorder(true);
    const batch = logsBatch('x');
    await new Fanout([m1.c, m2.c]).consume(batch);
    expect(m1.seen[0]).not.toBe(batch);
    expect(m2.seen[0]).toBe(batch);
  });

  it('prefers a retryable refusal so the sender retries', async () => {
    const ok = recorder(false);
    const perm = recorder(false, ConsumerError.permanent('permanent_error', 'bad data'));
    const retry = recorder(false, ConsumerError.retryable('queue_full', 'full'));
    await expect(new Fanout([ok.c, perm.c, retry.c]).consume(logsBatch('x'))).rejects.toMatchObject({ retryable: true, reason: 'queue_full' });
    await expect(new Fanout([ok.c, perm.c]).consume(logsBatch('x'))).rejects.toMatchObject({ retryable: false, reason: 'permanent_error' });
  });

  it('uses a single consumer directly', () => {
    const a = recorder(true);
    expect(fanout([a.c])).toBe(a.c);
  });
});

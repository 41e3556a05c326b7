// The batch processor in front of durable storage (Consumer.durable): it holds nothing in
// memory, so that a sender is answered only once its data is in the log.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { ConsumerError, type Consumer } from '../../../src/pipeline/consumer.ts';
import { batchProcessorConfig } from '../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../src/processors/batch/factory.ts';
import { traceRequest } from '../receivers/otlp/helpers.ts';
import { testSettings } from '../../helpers/settings.ts';
import { turn } from '../../helpers/wait.ts';

class DurableNext implements Consumer {
  readonly mutates = false;
  readonly durable = true;
  batches: Batch[] = [];
  gate = Promise.withResolvers<void>();
  refuse: ConsumerError | undefined;
  async consume(batch: Batch): Promise<void> {
    await this.gate.promise;
    if (this.refuse) throw this.refuse;
    this.batches.push(batch);
  }
}

const spans = (n: number) => Batch.fromProto('traces', traceRequest(n, 'svc'), n);

describe('batch processor in front of durable storage', () => {
  it('hands each request on at once and answers only when the next consumer has stored it', async () => {
    const next = new DurableNext();
    const p = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({ timeout: '10s' }), 'traces', next);
    expect(p.durable).toBe(true);
    let answered = false;
    const pending = p.consume(spans(3)).then(() => {
      answered = true;
    });
    await turn();
    expect(answered).toBe(false); // not answered from memory
    next.gate.resolve();
    await pending;
    expect(next.batches.map((b) => b.items)).toEqual([3]); // not held for the 10 s timeout
  });

  it('passes a refusal of the storage back to the sender, who retries', async () => {
    const next = new DurableNext();
    next.refuse = ConsumerError.retryable('storage_full', 'full', 1000);
    next.gate.resolve();
    const p = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({}), 'traces', next);
    await expect(p.consume(spans(2))).rejects.toMatchObject({ retryable: true, reason: 'storage_full' });
    await p.shutdown();
  });

  it('in front of memory queues it still answers at once (durable: false)', async () => {
    const next = new DurableNext();
    Object.defineProperty(next, 'durable', { value: false });
    const p = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({ timeout: '10s' }), 'traces', next);
    expect(p.durable).toBe(false);
    await p.consume(spans(3)); // resolves while the next consumer is still gated
    next.gate.resolve();
    await p.shutdown();
    expect(next.batches.map((b) => b.items)).toEqual([3]);
  });
});

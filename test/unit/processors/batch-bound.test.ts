// Issue 11 item 2: max_pending_items holds always, also when nothing is held, and a request
// that can never fit is refused for good (request_too_large), not "retry later" forever.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { ConsumerError } from '../../../src/pipeline/consumer.ts';
import { batchProcessorConfig } from '../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../src/processors/batch/factory.ts';
import type { BatchProcessor } from '../../../src/processors/batch/processor.ts';
import { RecordingConsumer, traceRequest } from '../receivers/otlp/helpers.ts';
import { testSettings } from '../exporters/fixtures.ts';

const spans = (n: number) => Batch.fromProto('traces', traceRequest(n), n);

describe.each([false, true])('batch processor max_pending_items (wait_for_export: %s)', (waitForExport) => {
  function build(next: RecordingConsumer) {
    const config = batchProcessorConfig.parse({ send_batch_size: 4, timeout: '10s', max_pending_items: 10, wait_for_export: waitForExport });
    return batchProcessorFactory.create(testSettings('batch', 2000), config, 'traces', next) as BatchProcessor;
  }

  it('refuses a request bigger than the bound for good while nothing is held, every time', async () => {
    const next = new RecordingConsumer();
    const p = build(next);
    expect(p.heldItems).toBe(0);
    for (let i = 0; i < 2; i++) {
      const err = await p.consume(spans(11)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConsumerError);
      expect(err).toMatchObject({ retryable: false, reason: 'request_too_large', rejected: 11, retryAfterMs: undefined });
      expect(p.heldItems).toBe(0);
    }
    const taken = p.consume(spans(10)); // exactly the bound fits
    await p.shutdown();
    await taken;
    expect(next.items).toBe(10);
  });
});

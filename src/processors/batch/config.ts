import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';

// otelcol's batch processor options, plus max_pending_items: the bound on items held
// (waiting for a batch, being handed on or retried), so a slow pipeline cannot make it grow,
// and wait_for_export: whether a sender is answered at once or once its batch was accepted.

export const batchProcessorConfig = z
  .strictObject({
    /** Items (spans, data points, log records) that make a batch be sent at once. */
    send_batch_size: z.number().int().positive().default(8192),
    /** Largest batch sent; bigger ones are split. 0 = no limit. */
    send_batch_max_size: z.number().int().nonnegative().default(0),
    /** How long the first item of a batch waits for more before the batch is sent anyway. */
    timeout: duration('200ms'),
    /**
     * Items held at most; above it consume() refuses (retryable, `batch_full`), and a request of
     * more items than this is refused for good (`request_too_large`). Default 10 x the batch size.
     */
    max_pending_items: z.number().int().positive().optional(),
    /**
     * Default false: consume() resolves once the items are held here; refused batches are
     * retried, and a crash loses what is held. True: it resolves once the next consumer
     * accepted the batch, and refusals reach the sender (at-least-once behind Kafka).
     */
    wait_for_export: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (c.send_batch_max_size > 0 && c.send_batch_max_size < c.send_batch_size) {
      ctx.addIssue({
        code: 'custom',
        path: ['send_batch_max_size'],
        message: `send_batch_max_size (${c.send_batch_max_size}) must be 0 (no limit) or at least send_batch_size (${c.send_batch_size})`,
      });
    }
    if (c.timeout <= 0) {
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'timeout must be greater than 0, e.g. 200ms' });
    }
  })
  .transform((c) => ({
    ...c,
    max_pending_items: c.max_pending_items ?? 10 * Math.max(c.send_batch_size, c.send_batch_max_size),
  }));

export type BatchProcessorConfig = z.output<typeof batchProcessorConfig>;

import type { Batch } from '../pdata/batch.ts';
import { Reason } from '../telemetry/drop-reasons.ts';

/** Something that takes batches of one signal: a processor, exporter, connector or fan-out. */
export interface Consumer {
  /**
   * True when the consumer changes the batches it is given. A fan-out hands such a
   * consumer a batch of its own; read-only consumers share one.
   */
  readonly mutates: boolean;
  /**
   * True when consume() resolves only once the batch (or the part of it that goes there) is
   * in a persistent log somewhere downstream: an exporter with `sending_queue.storage`, or a
   * fan-out, connector or processor in front of one. A batch processor in front of such a
   * consumer hands requests on at once instead of answering while it holds them in memory.
   * Default false.
   */
  readonly durable?: boolean;
  /**
   * Resolves once the batch is accepted: queued by every exporter downstream, or written.
   * Rejects with a ConsumerError; anything else thrown counts as a permanent failure.
   */
  consume(batch: Batch): Promise<void>;
}

/**
 * A refusal from downstream. `retryable` tells the receiver to answer with a retryable
 * status (HTTP 429/503, gRPC RESOURCE_EXHAUSTED/UNAVAILABLE, Kafka: pause and retry);
 * otherwise the data was dropped for good and the sender must not retry.
 */
export class ConsumerError extends Error {
  readonly retryable: boolean;
  /** A fixed reason from the table in telemetry/drop-reasons.ts, used as a metric label. */
  readonly reason: Reason;
  /** A hint for the sender, in milliseconds (HTTP Retry-After, gRPC RetryInfo). */
  readonly retryAfterMs: number | undefined;
  /** Items refused, when fewer than the whole batch (OTLP partial success). */
  readonly rejected: number | undefined;

  constructor(message: string, opts: { retryable: boolean; reason: Reason; retryAfterMs?: number; rejected?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConsumerError';
    this.retryable = opts.retryable;
    this.reason = opts.reason;
    this.retryAfterMs = opts.retryAfterMs;
    this.rejected = opts.rejected;
  }

  static retryable(reason: Reason, message: string, retryAfterMs?: number): ConsumerError {
    return new ConsumerError(message, { retryable: true, reason, retryAfterMs });
  }

  static permanent(reason: Reason, message: string, rejected?: number): ConsumerError {
    return new ConsumerError(message, { retryable: false, reason, rejected });
  }

  /** Any thrown value as a ConsumerError: unknown errors are permanent. */
  static from(err: unknown): ConsumerError {
    if (err instanceof ConsumerError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new ConsumerError(message, { retryable: false, reason: Reason.internal_error, cause: err });
  }
}

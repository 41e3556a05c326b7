import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';

// The exporter helper's options, with the OpenTelemetry Collector's keys and defaults so
// that an otelcol `exporters:` block reads the same here. Exporters spread
// `exporterHelperFields()` into their own z.strictObject.

/**
 * `sending_queue.storage`: the id of a storage extension (`file_storage[/name]`) that keeps
 * the queue on disk. Unset: the queue is in memory.
 */
export function storageRef() {
  return z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_]*(\/\S+)?$/, 'expected an extension id, e.g. file_storage or file_storage/queue')
    .optional();
}

/** `sending_queue`: the bounded queue in front of the sender, in memory or on disk. */
export function sendingQueueSchema(enabledByDefault = true) {
  return z
    .strictObject({
      /** Default true. False: `consume` sends inline, and the caller waits for the result. */
      enabled: z.boolean().default(enabledByDefault),
      /** Default 10: batches sent concurrently. */
      num_consumers: z.number().int().min(1).default(10),
      /**
       * Default 1000, counted in `sizer` units. When full, callers are refused with a
       * retryable `queue_full`.
       */
      queue_size: z.number().int().min(1).default(1000),
      /**
       * Default `requests`: queue_size counts batches. `items`: it counts spans, data points
       * and log records (a batch bigger than queue_size is still taken when the queue is empty).
       */
      sizer: z.enum(['requests', 'items']).default('requests'),
      /**
       * Unset by default (in memory). The id of a file_storage extension: batches are written
       * to its log before the caller is answered, and survive a crash (sent after the restart).
       */
      storage: storageRef(),
    })
    .refine((q) => q.enabled || q.storage === undefined, {
      path: ['storage'],
      message: 'storage keeps the sending queue on disk, so it needs the queue: remove storage or set enabled: true',
    })
    .prefault({});
}

/** `retry_on_failure`: exponential backoff with jitter on retryable failures. */
export function retryOnFailureSchema() {
  return z
    .strictObject({
      /** Default true. False: a retryable failure drops the batch (`retry_disabled`). */
      enabled: z.boolean().default(true),
      /** Default 5s: the wait before the first retry. */
      initial_interval: duration('5s'),
      /** Default 0.5: each wait is drawn from interval × [1 - f, 1 + f]. 0 = no jitter. */
      randomization_factor: z.number().min(0).max(1).default(0.5),
      /** Default 1.5: the interval grows by this factor after each retry. */
      multiplier: z.number().min(1).default(1.5),
      /** Default 30s: the interval stops growing here. */
      max_interval: duration('30s'),
      /** Default 300s: give up on a batch after this long. 0 = retry until shutdown. */
      max_elapsed_time: duration('300s'),
    })
    .prefault({});
}

/**
 * The helper's fields, to spread into an exporter's schema:
 * `z.strictObject({ path: z.string(), ...exporterHelperFields() })`.
 * `queueEnabled` sets the default of `sending_queue.enabled` (the debug exporter turns it off).
 */
export function exporterHelperFields(opts: { queueEnabled?: boolean } = {}) {
  return {
    /** Default 5s: the limit on one send attempt. 0 = no limit. */
    timeout: duration('5s'),
    sending_queue: sendingQueueSchema(opts.queueEnabled ?? true),
    retry_on_failure: retryOnFailureSchema(),
  };
}

/** The parsed helper options (durations in milliseconds). */
export interface HelperConfig {
  timeout: number;
  /** `sizer` is optional for exporters with a queue schema of their own (counted in requests then). */
  sending_queue: { enabled: boolean; num_consumers: number; queue_size: number; sizer?: 'requests' | 'items'; storage?: string };
  retry_on_failure: {
    enabled: boolean;
    initial_interval: number;
    randomization_factor: number;
    multiplier: number;
    max_interval: number;
    max_elapsed_time: number;
  };
}

/** The defaults, parsed (for tests and for exporters built without a config file). */
export function defaultHelperConfig(): HelperConfig {
  return z.strictObject(exporterHelperFields()).parse({});
}

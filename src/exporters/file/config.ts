import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';
import { exporterHelperFields } from '../helper/config.ts';

export const fileExporterConfig = z.strictObject({
  /** Required: the file to append to; parent directories are created. */
  path: z.string().min(1, 'path is required: the file the exporter appends OTLP JSON lines to'),
  /**
   * Rotation, only when the block is present: the file is renamed `<path>.1` when the next
   * line would take it past `max_megabytes`, older backups shift up, and `<path>.<max_backups>`
   * is the oldest kept.
   */
  rotation: z
    .strictObject({
      /** Default 100: size limit of the live file, in MiB (fractions allowed). */
      max_megabytes: z.number().positive().default(100),
      /** Default 100: rotated files kept; at least 1. */
      max_backups: z.number().int().min(1).default(100),
    })
    .optional(),
  /** Default 1s: how long lines may sit in the write buffer before being written. Shutdown always flushes. */
  flush_interval: duration('1s'),
  /**
   * Default 1: worker threads that turn protobuf batches (the receivers' bytes, not decoded
   * in the pipeline) into OTLP/JSON, shared by every file exporter of the daemon (the pool
   * has the largest count any of them asks for). 0 = encode on the main thread.
   */
  encoder_threads: z.number().int().min(0).max(16).default(1),
  /**
   * Default 2048: batches of fewer items are encoded on the main thread even with encoder
   * threads: at that size the hand-over (a copy, two messages, a thread waking) costs more CPU
   * than the thread saves (issue 15). Full batches (8192 in the shipped pipelines) still go to
   * a thread. 0 = every protobuf batch goes to a thread.
   */
  encoder_min_items: z.number().int().min(0).default(2048),
  ...exporterHelperFields(),
});

export type FileExporterConfig = z.output<typeof fileExporterConfig>;

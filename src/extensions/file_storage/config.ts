import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';

// otelcol's file_storage keys where they mean the same here (directory, fsync, compaction),
// plus the bound on the disk it may use and the fsync policy of a write-ahead log.

export const fileStorageConfig = z
  .strictObject({
    /** Required: where the queues live, one sub-directory per component. Created if missing. */
    directory: z.string().min(1, 'give the directory the queues are kept in, e.g. ${env:GENRF_DATA_DIR}/queue'),
    /** Default true: create `directory` (and its parents) when missing. False: start fails if it is missing. */
    create_directory: z.boolean().default(true),
    /**
     * Default `interval`. When an appended record is synced to the disk: `always` before the
     * sender is answered; `interval` every `fsync_interval` (the sender is answered once it is
     * written); `never`: left to the operating system.
     */
    fsync: z
      .union([z.enum(['always', 'interval', 'never']), z.boolean()])
      .default('interval')
      // otelcol's file_storage takes a boolean: true syncs every write, false leaves it to the OS.
      .transform((v) => (v === true ? 'always' : v === false ? 'never' : v)),
    /** Default 1s: how often written records are synced with `fsync: interval`. */
    fsync_interval: duration('1s'),
    /** Default 1024: the most the queues of this extension hold on disk together, in MiB. */
    max_size_mib: z.number().positive().default(1024),
    /** Default 16: a segment file is closed and a new one started past this size, in MiB. */
    segment_size_mib: z.number().positive().default(16),
    compaction: z
      .strictObject({
        /**
         * Default true: at start, a segment whose records are mostly acknowledged (`ratio`) has
         * its unacknowledged records copied into a fresh segment, and is deleted, so a few
         * records left over by a crash do not pin whole segments.
         */
        on_start: z.boolean().default(true),
        /** Default 0.5: the share of acknowledged records above which on_start rewrites a segment. */
        ratio: z.number().min(0).max(1).default(0.5),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.fsync === 'interval' && c.fsync_interval <= 0) {
      ctx.addIssue({ code: 'custom', path: ['fsync_interval'], message: 'fsync_interval must be greater than 0 with fsync: interval, e.g. 1s' });
    }
    if (c.segment_size_mib > c.max_size_mib) {
      ctx.addIssue({ code: 'custom', path: ['segment_size_mib'], message: `segment_size_mib (${c.segment_size_mib}) must not exceed max_size_mib (${c.max_size_mib})` });
    }
  });

export type FileStorageConfig = z.output<typeof fileStorageConfig>;

import { z } from 'zod';
import { exporterHelperFields } from '../helper/config.ts';

export const debugExporterConfig = z.strictObject({
  /** Default basic: one summary line per batch; normal: one line per record; detailed: every field. */
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic'),
  /** Default 2: batches printed in full each second before sampling starts. */
  sampling_initial: z.number().int().min(0).default(2),
  /** Default 1: after `sampling_initial` in a second, print every Nth batch. 1 = every batch. */
  sampling_thereafter: z.number().int().min(1).default(1),
  // The queue is off by default: the output is for a person watching stderr, in order.
  ...exporterHelperFields({ queueEnabled: false }),
});

export type DebugExporterConfig = z.output<typeof debugExporterConfig>;

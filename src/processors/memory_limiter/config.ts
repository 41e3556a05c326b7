import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';

// otelcol's memory_limiter options. The limit is absolute (limit_mib) or a share of the
// memory available (limit_percentage: of the cgroup limit when one is set, else of the
// machine's total memory). The soft limit is limit - spike; above it data is refused.

export const memoryLimiterConfig = z
  .strictObject({
    /** How often the process's memory use (RSS) is read. */
    check_interval: duration('1s'),
    /** Hard limit in MiB. 0 = unset (then limit_percentage is required). */
    limit_mib: z.number().nonnegative().default(0),
    /** Headroom below the hard limit, in MiB; the soft limit is limit - spike. 0 = 20% of the limit. */
    spike_limit_mib: z.number().nonnegative().default(0),
    /** Hard limit as a percentage of available memory. 0 = unset. */
    limit_percentage: z.number().min(0).max(100).default(0),
    /** Headroom as a percentage of available memory. 0 = 20% of the limit. */
    spike_limit_percentage: z.number().min(0).max(100).default(0),
  })
  .superRefine((c, ctx) => {
    if (c.check_interval <= 0) {
      ctx.addIssue({ code: 'custom', path: ['check_interval'], message: 'check_interval must be greater than 0, e.g. 1s' });
    }
    if (c.limit_mib === 0 && c.limit_percentage === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: 'set limit_mib or limit_percentage: the memory limiter needs a limit' });
    }
    if (c.limit_mib > 0 && c.limit_percentage > 0) {
      ctx.addIssue({ code: 'custom', path: ['limit_percentage'], message: 'set either limit_mib or limit_percentage, not both' });
    }
    if (c.limit_mib > 0 && c.spike_limit_mib >= c.limit_mib) {
      ctx.addIssue({ code: 'custom', path: ['spike_limit_mib'], message: `spike_limit_mib (${c.spike_limit_mib}) must be smaller than limit_mib (${c.limit_mib})` });
    }
    if (c.limit_percentage > 0 && c.spike_limit_percentage >= c.limit_percentage) {
      ctx.addIssue({ code: 'custom', path: ['spike_limit_percentage'], message: `spike_limit_percentage (${c.spike_limit_percentage}) must be smaller than limit_percentage (${c.limit_percentage})` });
    }
  });

export type MemoryLimiterConfig = z.output<typeof memoryLimiterConfig>;

const MIB = 1024 * 1024;

/** Hard and soft limits in bytes, from the config and the memory available. */
export function computeLimits(c: MemoryLimiterConfig, availableBytes: number): { hard: number; soft: number } {
  if (c.limit_mib > 0) {
    const hard = c.limit_mib * MIB;
    const spike = c.spike_limit_mib > 0 ? c.spike_limit_mib * MIB : hard * 0.2;
    return { hard, soft: hard - spike };
  }
  const hard = (availableBytes * c.limit_percentage) / 100;
  const spike = c.spike_limit_percentage > 0 ? (availableBytes * c.spike_limit_percentage) / 100 : hard * 0.2;
  return { hard, soft: hard - spike };
}

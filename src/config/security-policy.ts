// service.security: which records are security records, which exporters may receive them,
// and which processors must scrub them first. Checked statically at validate/run (analyse.ts)
// and enforced at run time in front of every other exporter (guard.ts).
import { z } from 'zod';
import { conditionSchema } from '../match/config.ts';
import type { CollectorConfig } from './model.ts';
import type { Signal } from '../pdata/types.ts';

export const securityPolicySchema = z.strictObject({
  /** Which records are security records: a condition (src/match), e.g. { scope_name_prefix: [genrf.security] }. */
  classify: conditionSchema.meta({ description: 'Which records are security records (a condition, e.g. { scope_name_prefix: [genrf.security] }).' }),
  /** The only exporters that may receive security records. At least one. */
  sinks: z.array(z.string().min(1)).min(1).meta({ description: 'The only exporters that may receive security records.' }),
  /** Processors of which at least one must be on every path to a sink. Empty (default): no scrubbing required. */
  scrubbers: z.array(z.string().min(1)).default([]).meta({ description: 'Processors of which at least one must be on every path to a sink; empty: none required.' }),
  /** Signals the policy covers. Default [logs]: the security logger's records. */
  signals: z
    .array(z.enum(['traces', 'metrics', 'logs']))
    .min(1)
    .default(['logs'])
    .meta({ description: 'Signals the policy covers (default [logs]).' }),
  /** Refuse, at validate and at run start, a config where security records could leak (default true). */
  enforce: z.boolean().default(true).meta({ description: 'Refuse configs where security records could reach another exporter or a sink unscrubbed (default true).' }),
  /** In front of every exporter that is not a sink, drop security records and count them (default true). */
  runtime_guard: z.boolean().default(true).meta({ description: 'Drop (and count) security records in front of every exporter that is not a sink (default true).' }),
});

export type SecurityPolicy = z.output<typeof securityPolicySchema>;

/** The policy of a loaded config (validated by the service schema at load), or undefined. */
export function readPolicy(config: CollectorConfig): SecurityPolicy | undefined {
  const service = config.raw.service as Record<string, unknown> | undefined;
  const raw = service?.security;
  if (raw === undefined || raw === null) return undefined;
  const parsed = securityPolicySchema.safeParse(raw);
  // The loader has already reported a malformed block; a config that got here has a valid one.
  return parsed.success ? parsed.data : undefined;
}

export function coversSignal(policy: SecurityPolicy, signal: Signal): boolean {
  return (policy.signals as readonly string[]).includes(signal);
}

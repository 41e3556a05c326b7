import type { Signal } from '../pdata/types.ts';
import { compileCondition, type Condition, type ConditionConfig } from './condition.ts';

// The include / exclude pair of the processors that change what they select (attributes,
// resource).

/** Compiles include / exclude, refusing keys that can never hold for the signal. */
export function compileSelection(id: string, signal: Signal, cfg: { include?: ConditionConfig; exclude?: ConditionConfig }): { include?: Condition; exclude?: Condition } {
  const out: { include?: Condition; exclude?: Condition } = {};
  for (const which of ['include', 'exclude'] as const) {
    const c = cfg[which];
    if (c === undefined) continue;
    const cond = compileCondition(c);
    const foreign = cond.keysNotFor(signal);
    if (foreign.length > 0) {
      throw new Error(`processor ${id}: ${which} uses ${foreign.join(', ')}, which cannot match ${signal}; remove it or use this processor only in pipelines of the matching signal`);
    }
    out[which] = cond;
  }
  return out;
}

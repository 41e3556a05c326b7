import { z } from 'zod';
import { compileCondition } from '../../match/condition.ts';
import { conditionSchema } from '../../match/config.ts';
import type { Signal } from '../../pdata/types.ts';

// One include / exclude pair of condition lists per signal, instead of otelcol's OTTL
// statements (see README.md for the mapping). A record is kept when it matches any include
// condition (or there is no include list) and no exclude condition.

const conditionList = z.array(conditionSchema).min(1, 'give at least one condition, or leave the list out');

const signalFilter = z.strictObject({
  /** Keep only records matching one of these. Default: keep all. */
  include: conditionList.optional(),
  /** Drop records matching one of these. Default: drop none. */
  exclude: conditionList.optional(),
});

export type SignalFilterConfig = z.output<typeof signalFilter>;

export const filterProcessorConfig = z
  .strictObject({
    /** Spans to keep / drop. */
    traces: signalFilter.optional(),
    /** Metrics (by name) and data points (by attributes) to keep / drop. */
    metrics: signalFilter.optional(),
    /** Log records to keep / drop. */
    logs: signalFilter.optional(),
  })
  .superRefine((c, ctx) => {
    for (const signal of ['traces', 'metrics', 'logs'] as const satisfies Signal[]) {
      for (const which of ['include', 'exclude'] as const) {
        (c[signal]?.[which] ?? []).forEach((cond, i) => {
          for (const key of compileCondition(cond).keysNotFor(signal)) {
            ctx.addIssue({ code: 'custom', path: [signal, which, i, key], message: `"${key}" cannot match ${signal}, so this condition would never hold; move it under the matching signal` });
          }
        });
      }
    }
  });

export type FilterProcessorConfig = z.output<typeof filterProcessorConfig>;

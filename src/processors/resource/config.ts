import { z } from 'zod';
import { conditionSchema } from '../../match/config.ts';
import { actionsSchema } from '../../actions/config.ts';

// otelcol's resource processor: the attributes processor's actions, applied to resource
// attributes. Its include / exclude (an addition) may only use resource-level keys, since a
// resource is changed for all of its records at once.

const RESOURCE_KEYS = new Set(['service_name', 'service_name_prefix', 'service_name_regex', 'resource_attributes']);

const resourceCondition = conditionSchema.superRefine((c, ctx) => {
  for (const [k, v] of Object.entries(c)) {
    if (v !== undefined && !RESOURCE_KEYS.has(k)) {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: `"${k}" is not a resource-level key; the resource processor changes whole resources, so only ${[...RESOURCE_KEYS].join(', ')} apply (use the attributes processor for records)`,
      });
    }
  }
});

export const resourceProcessorConfig = z.strictObject({
  /** Applied in order to each selected resource's attributes. */
  attributes: actionsSchema,
  /** Only resources matching this condition are changed. Default: all. */
  include: resourceCondition.optional(),
  /** Resources matching this condition are left alone. Default: none. */
  exclude: resourceCondition.optional(),
});

export type ResourceProcessorConfig = z.output<typeof resourceProcessorConfig>;

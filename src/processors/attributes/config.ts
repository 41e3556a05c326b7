import { z } from 'zod';
import { conditionSchema } from '../../match/config.ts';
import { actionsSchema } from '../../actions/config.ts';

// otelcol contrib's attributes processor options: a list of actions, applied in order, and
// optional include / exclude conditions (our conditions from src/match, not otelcol's
// match_type/services/... properties). The action list (src/actions) is shared with the
// resource processor.

export const attributesProcessorConfig = z.strictObject({
  /** Applied in order to each selected record's attributes. */
  actions: actionsSchema,
  /** Only records matching this condition are changed. Default: all. */
  include: conditionSchema.optional(),
  /** Records matching this condition are left alone (checked after include). Default: none. */
  exclude: conditionSchema.optional(),
});

export type AttributesProcessorConfig = z.output<typeof attributesProcessorConfig>;

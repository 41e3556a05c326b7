import { z } from 'zod';
import { conditionSchema } from '../../match/config.ts';

const pipelineIds = z.array(z.string().min(1));

/** One row of the routing table: records matching `match` go to `pipelines`. */
export const routeSchema = z.strictObject({
  /** A condition (src/match): keys AND-ed, list values OR-ed. */
  match: conditionSchema,
  /** Pipelines (fed by this connector) that get the matching records. At least one. */
  pipelines: pipelineIds.min(1).meta({ description: 'Pipelines that get the records this route matches.' }),
});

export const routingConfig = z.strictObject({
  /** Routes, tried in order. Default: none (everything takes the default route). */
  table: z.array(routeSchema).default([]).meta({ description: 'Routes, tried in order: { match: <condition>, pipelines: [...] }.' }),
  /**
   * Pipelines for records no route matches. Default: none, and such records are dropped
   * and counted (`genrf_collector_dropped_items_total{reason="no_route"}`).
   */
  default_pipelines: pipelineIds.default([]).meta({ description: 'Pipelines for records no route matches; empty: drop them (counted, reason no_route).' }),
  /**
   * true (default): the first matching route takes the record. false: every matching route
   * gets it (a record may then go to several pipelines).
   */
  match_once: z.boolean().default(true).meta({ description: 'true: the first matching route takes a record; false: every matching route gets it.' }),
});

export type RouteConfig = z.output<typeof routeSchema>;
export type RoutingConfig = z.output<typeof routingConfig>;

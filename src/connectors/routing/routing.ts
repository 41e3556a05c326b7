import type { Connector, ConnectorConsumers, CreateSettings } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import { handOut, ownerIndex } from '../../pipeline/fanout.ts';
import { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import { compileCondition } from '../../match/condition.ts';
import type { RoutingConfig } from './config.ts';
import { Partitioner, type PartitionRoute } from '../../match/partition.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

/**
 * Sends each record to the pipelines of the first route that matches it (or of every route
 * that matches, with match_once: false), the rest to default_pipelines, and drops and counts
 * what has nowhere to go. A batch is accepted when every pipeline that got a part of it
 * accepted its part.
 */
export class RoutingConnector<S extends Signal> implements Connector {
  readonly mutates: boolean;
  readonly #signal: S;
  readonly #targets: readonly Consumer[];
  readonly #partitioner: Partitioner<S>;
  readonly #component: string;
  readonly #metrics: CreateSettings['metrics'];

  constructor(settings: CreateSettings, config: RoutingConfig, signal: S, next: ConnectorConsumers) {
    this.#signal = signal;
    this.#component = `connector/${settings.id.text}`;
    this.#metrics = settings.metrics;
    // Targets in order of first mention; bit i of a route's mask is target i.
    const ids: string[] = [];
    const bit = (pipeline: string): number => {
      let i = ids.indexOf(pipeline);
      if (i < 0) i = ids.push(pipeline) - 1;
      return 1 << i;
    };
    const routes: PartitionRoute[] = config.table.map((route, i) => {
      const cond = compileCondition(route.match);
      const foreign = cond.keysNotFor(signal);
      if (foreign.length > 0) {
        throw new Error(`table[${i}].match: ${foreign.join(', ')} can never hold for ${signal}; remove it or route ${signal} with keys that apply to them`);
      }
      return { cond, mask: route.pipelines.reduce((m, p) => m | bit(p), 0) };
    });
    const defaultMask = config.default_pipelines.reduce((m, p) => m | bit(p), 0);
    this.#targets = ids.map((id) => {
      const c = next.byPipeline.get(id);
      if (!c) throw new Error(`routes to pipeline "${id}", which does not list ${settings.id.text} under receivers`);
      return c;
    });
    this.mutates = this.#targets.some((t) => t.mutates);
    this.#partitioner = new Partitioner(signal, routes, defaultMask, config.match_once, ids.length);
  }

  async consume(batch: Batch): Promise<void> {
    if (!batch.decoded) {
      // Routes that look no deeper than the scope, and every scope going the same way: the
      // batch goes on as the bytes it came in, no record decoded.
      const mask = this.#partitioner.uniformMaskOfProto(batch.toProto());
      if (mask > 0) return dispatch(...this.#uniform(batch, mask));
    }
    const p = this.#partitioner.split(batch.data as never);
    if (p.unrouted > 0) this.#metrics.dropped(this.#component, this.#signal, Reason.no_route, p.unrouted);
    // Every record goes the same way: hand on the batch itself (keeps its encoding).
    if (p.uniform > 0) return dispatch(...this.#uniform(batch, p.uniform));
    const consumers: Consumer[] = [];
    const batches: Batch[] = [];
    for (let t = 0; t < this.#targets.length; t++) {
      if (p.parts[t] !== undefined) {
        consumers.push(this.#targets[t]);
        batches.push(Batch.of(this.#signal, p.parts[t]!, p.items[t]));
      }
    }
    return dispatch(consumers, batches);
  }

  /** The targets of `mask`, each given `batch`. */
  #uniform(batch: Batch, mask: number): [Consumer[], Batch[]] {
    const consumers: Consumer[] = [];
    const batches: Batch[] = [];
    for (let t = 0; t < this.#targets.length; t++) {
      if ((mask & (1 << t)) === 0) continue;
      consumers.push(this.#targets[t]);
      batches.push(batch);
    }
    return [consumers, batches];
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/**
 * Hands each consumer its batch. Parts share records, resources and scopes with each other
 * (a record routed twice, a resource split across routes), so a consumer that mutates gets a
 * copy unless it is the only one, or the last of consumers that all mutate (as Fanout does).
 */
async function dispatch(consumers: Consumer[], batches: Batch[]): Promise<void> {
  const n = consumers.length;
  if (n === 0) return;
  if (n === 1) return consumers[0].consume(batches[0]);
  return handOut(consumers, batches, ownerIndex(consumers));
}

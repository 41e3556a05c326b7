// The graph's nodes, one builder per kind (extension, exporter, connector, processor,
// receiver), called in that order by buildGraph. Each creates components through their
// factories and records them in the graph; none starts anything.
import type { CollectorConfig, ComponentConfig, PipelineConfig } from '../config/model.ts';
import type { Batch } from '../pdata/batch.ts';
import type { Signal } from '../pdata/types.ts';
import type { Connector, CreateSettings, Extension, Factory, Processor, Receiver, ReceiverConsumers } from './component.ts';
import type { Consumer } from './consumer.ts';
import { fanout } from './fanout.ts';
import type { Graph, GraphOptions, Node } from './graph.ts';
import { TapPoint, type TapPointInfo } from './tap.ts';

/** The state of one build: the graph so far, and the connectors made so far by key. */
export class GraphBuilder {
  readonly graph: Graph;
  readonly config: CollectorConfig;
  readonly opts: GraphOptions;
  /** `id@from>to` -> the connector as its pipeline sees it (mutates computed). */
  readonly connectors = new Map<string, Connector>();

  constructor(graph: Graph, config: CollectorConfig, opts: GraphOptions) {
    this.graph = graph;
    this.config = config;
    this.opts = opts;
  }

  settings(c: ComponentConfig<Factory>, key: string): CreateSettings {
    return {
      id: c.id,
      logger: this.opts.logger.child({ component: key }),
      metrics: this.opts.metrics,
      shutdownTimeoutMs: this.opts.shutdownTimeoutMs,
    };
  }
}

export function exporterKey(id: string, signal: Signal): string {
  return `${id}@${signal}`;
}

/** Extensions, in service.extensions order. */
export function buildExtensions(b: GraphBuilder): void {
  // Authenticators first: the servers of the other extensions name them and start after them.
  const ids = [...b.config.service.extensions];
  const first = (id: string) => (b.config.extensions.get(id)?.factory.authenticator ? 0 : 1);
  ids.sort((x, y) => first(x) - first(y));
  for (const id of ids) {
    const c = b.config.extensions.get(id)!;
    const key = `extension/${id}`;
    const instance: Extension = c.factory.create(b.settings(c, key), c.config);
    b.graph.extensions.push({ key, kind: 'extension', id, instance });
  }
}

/**
 * Exporters: one per id and signal, in the order pipelines first name them. Returns what
 * pipelines feed, by `id@signal`: the exporter behind the caller's wrapper, if any.
 */
export function buildExporters(b: GraphBuilder): Map<string, Consumer> {
  const out = new Map<string, Consumer>();
  const wrap = b.opts.wrapExporter;
  for (const p of b.config.service.pipelines.values()) {
    for (const id of p.exporters) {
      const c = b.config.exporters.get(id);
      if (!c) continue; // a connector
      const k = exporterKey(id, p.signal);
      if (out.has(k)) continue;
      const key = `exporter/${k}`;
      const settings = b.settings(c, key);
      const instance = b.opts.exporterStandIn?.(id, p.signal, c, settings) ?? c.factory.create(settings, c.config, p.signal);
      out.set(k, wrap ? wrap(id, p.signal, instance) : instance);
      b.graph.exporters.push({ key, kind: 'exporter', id, instance });
    }
  }
  return out;
}

/**
 * Connector `id` as an exporter of pipeline `p`: one instance per target signal among the
 * pipelines it feeds (built already), made once per `id@from>to` and shared by every
 * pipeline of the same signal that exports to it.
 */
export function buildConnectors(b: GraphBuilder, id: string, p: PipelineConfig): Array<{ node: Node; consumer: Connector }> {
  const c = b.config.connectors.get(id)!;
  const fed = [...b.config.service.pipelines.values()].filter((q) => q.receivers.includes(id));
  const out: Array<{ node: Node; consumer: Connector }> = [];
  for (const to of new Set(fed.map((q) => q.signal))) {
    const k = `${id}@${p.signal}>${to}`;
    const key = `connector/${k}`;
    let consumer = b.connectors.get(k);
    if (!consumer) {
      const targets = fed.filter((q) => q.signal === to);
      const byPipeline = new Map<string, Consumer>(targets.map((q) => [q.id, tapPoint(b, 'connector', id, q, 'out', b.graph.entries.get(q.id)!)]));
      const all = fanout([...byPipeline.values()]);
      const created = c.factory.create(b.settings(c, key), c.config, p.signal, to, { all, byPipeline });
      // A connector of one signal hands its input on: it is durable when what it feeds is.
      const durable = created.durable === true || (p.signal === to && (all.durable === true || [...byPipeline.values()].some((x) => x.durable === true)));
      const mutates = connectorMutates(created, p.signal === to, all, byPipeline);
      consumer = mutates !== created.mutates || durable !== (created.durable === true) ? withFlags(created, mutates, durable) : created;
      b.connectors.set(k, consumer);
      b.graph.connectors.push({ key, kind: 'connector', id, instance: created });
    }
    out.push({ node: b.graph.connectors.find((n) => n.key === key)!, consumer });
  }
  return out;
}

/**
 * Whether a connector must be handed a batch of its own. It mutates when it says so; a
 * connector of one signal may also hand its input on as it is, and then it mutates when
 * anything it feeds does. One that turns traces into metrics never passes its input on.
 */
function connectorMutates(created: Connector, passesOn: boolean, all: Consumer, byPipeline: ReadonlyMap<string, Consumer>): boolean {
  return created.mutates || (passesOn && (all.mutates || [...byPipeline.values()].some((x) => x.mutates)));
}

function withFlags(inner: Connector, mutates: boolean, durable: boolean): Connector {
  return {
    mutates,
    durable,
    consume: (batch) => inner.consume(batch),
    start: (h) => inner.start(h),
    shutdown: () => inner.shutdown(),
    health: inner.health ? () => inner.health!() : undefined,
  };
}

/**
 * A pipeline's processors, created back to front so that each gets the consumer it feeds,
 * each between two item counters. Returns the pipeline's head and whether a processor mutates.
 */
export function buildProcessors(b: GraphBuilder, p: PipelineConfig, tail: Consumer): { head: Consumer; nodes: Node[]; mutates: boolean } {
  let next = tail;
  let mutates = false;
  const nodes: Node[] = [];
  for (let i = p.processors.length - 1; i >= 0; i--) {
    const id = p.processors[i];
    const c = b.config.processors.get(id)!;
    const key = `processor/${id}@${p.id}`;
    const pm = b.opts.metrics.processor(id, p.signal);
    const out = new CountingConsumer(tapPoint(b, 'processor', id, p, 'out', next), pm.outgoing, next.durable === true);
    const instance: Processor = c.factory.create(b.settings(c, key), c.config, p.signal, out);
    mutates ||= instance.mutates;
    // A processor passes acceptance through unless it says otherwise.
    next = new CountingConsumer(instance, pm.incoming, instance.durable ?? out.durable);
    nodes.unshift({ key, kind: 'processor', id, instance });
  }
  return { head: next, nodes, mutates };
}

const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

/** Receivers: one per id, fanning out to every pipeline of each signal that lists it; unused ones are not built. */
export function buildReceivers(b: GraphBuilder): void {
  const pipelines = [...b.config.service.pipelines.values()];
  for (const [id, c] of b.config.receivers) {
    const consumers: ReceiverConsumers = {};
    let used = false;
    for (const signal of SIGNALS) {
      const heads = pipelines.filter((p) => p.signal === signal && p.receivers.includes(id)).map((p) => tapPoint(b, 'receiver', id, p, 'out', b.graph.entries.get(p.id)!));
      if (heads.length > 0) {
        consumers[signal] = fanout(heads);
        used = true;
      }
    }
    if (!used) continue; // unused: a warning at validation, not built
    b.graph.receiverInputs.set(id, consumers);
    const key = `receiver/${id}`;
    const instance: Receiver = c.factory.create(b.settings(c, key), c.config, consumers);
    b.graph.receivers.push({ key, kind: 'receiver', id, instance });
  }
}

/** A tap point `id@pipeline` in front of `inner`, recorded in the graph. */
export function tapPoint(b: GraphBuilder, kind: TapPointInfo['kind'], id: string, p: PipelineConfig, side: TapPointInfo['side'], inner: Consumer): TapPoint {
  const key = `${id}@${p.id}`;
  const point = new TapPoint({ key, kind, id, pipeline: p.id, signal: p.signal, side }, inner);
  let list = b.graph.taps.get(key);
  if (!list) b.graph.taps.set(key, (list = []));
  list.push(point);
  return point;
}

/** Counts items in and out of a processor (otelcol_processor_incoming/outgoing_items). */
class CountingConsumer implements Consumer {
  readonly mutates: boolean;
  readonly durable: boolean;
  readonly #inner: Consumer;
  readonly #count: (n: number) => void;
  constructor(inner: Consumer, count: (n: number) => void, durable: boolean) {
    this.#inner = inner;
    this.mutates = inner.mutates;
    this.durable = durable;
    this.#count = count;
  }
  consume(batch: Batch): Promise<void> {
    this.#count(batch.items);
    return this.#inner.consume(batch);
  }
}

/** A pipeline's head: declares that it mutates when anything in the pipeline does. */
export class PipelineEntry implements Consumer {
  readonly mutates: boolean;
  readonly durable: boolean;
  readonly #inner: Consumer;
  constructor(inner: Consumer, mutates: boolean) {
    this.#inner = inner;
    this.mutates = mutates;
    this.durable = inner.durable === true;
  }
  consume(batch: Batch): Promise<void> {
    return this.#inner.consume(batch);
  }
}

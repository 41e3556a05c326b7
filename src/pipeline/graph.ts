import type { Logger } from 'pino';
import type { CollectorConfig, ComponentConfig, PipelineConfig } from '../config/model.ts';
import type { Signal } from '../pdata/types.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { Batch } from '../pdata/batch.ts';
import type { Consumer } from './consumer.ts';
import type {
  Connector, CreateSettings, Exporter, Extension, Factory, Health, Kind, Lifecycle, Processor, Receiver, ReceiverConsumers,
} from './component.ts';
import { fanout } from './fanout.ts';

/** One built component, with the name it is known by in logs, health and metrics. */
export interface Node {
  /** `receiver/otlp`, `processor/batch@logs/app`, `exporter/file/app@logs`, `connector/routing@logs>logs`. */
  readonly key: string;
  readonly kind: Kind;
  readonly id: string;
  readonly instance: Lifecycle;
}

export interface GraphOptions {
  logger: Logger;
  metrics: SelfMetrics;
  shutdownTimeoutMs: number;
  /**
   * Wraps each exporter before pipelines are wired to it (service.security's run-time guard,
   * given by the CLI). Default: none.
   */
  wrapExporter?: ExporterWrapper;
}

/** Wraps one exporter (by id, for one signal) before pipelines are wired to it. */
export type ExporterWrapper = (id: string, signal: Signal, exporter: Consumer) => Consumer;

/**
 * Every component of a config, built and wired, not started. `validate` builds this and
 * stops; `run` builds it and starts it. Construction opens no port and no file.
 */
export class Graph {
  readonly extensions: Node[] = [];
  readonly exporters: Node[] = [];
  readonly connectors: Node[] = [];
  readonly processors: Node[] = [];
  readonly receivers: Node[] = [];
  /** Pipeline ids, downstream pipelines first (connectors feed pipelines built before them). */
  readonly pipelineOrder: string[] = [];
  /** Consumer at the head of each pipeline. */
  readonly entries = new Map<string, Consumer>();

  /** Components in start order: extensions, exporters, connectors, processors, receivers. */
  startOrder(): Node[] {
    return [...this.extensions, ...this.exporters, ...this.connectors, ...this.processors, ...this.receivers];
  }

  /**
   * Components in stop order, each after everything that feeds it: receivers, then per
   * pipeline from upstream to downstream its processors then the connectors it feeds,
   * then exporters, then extensions.
   */
  stopOrder(): Node[] {
    return [...this.receivers, ...this.#pipelineStages(), ...this.exporters, ...this.extensions];
  }

  readonly #stages = new Map<string, Node[]>();

  addStage(pipelineId: string, node: Node): void {
    let list = this.#stages.get(pipelineId);
    if (!list) this.#stages.set(pipelineId, (list = []));
    if (!list.includes(node)) list.push(node);
  }

  #pipelineStages(): Node[] {
    const out: Node[] = [];
    for (const p of [...this.pipelineOrder].reverse()) {
      for (const n of this.#stages.get(p) ?? []) if (!out.includes(n)) out.push(n);
    }
    return out;
  }

  *all(): Iterable<Node> {
    yield* this.startOrder();
  }
}

/** Counts items in and out of a processor (otelcol_processor_incoming/outgoing_items). */
class CountingConsumer implements Consumer {
  readonly mutates: boolean;
  readonly #inner: Consumer;
  readonly #count: (n: number) => void;
  constructor(inner: Consumer, count: (n: number) => void) {
    this.#inner = inner;
    this.mutates = inner.mutates;
    this.#count = count;
  }
  consume(batch: Batch): Promise<void> {
    this.#count(batch.items);
    return this.#inner.consume(batch);
  }
}

/** A pipeline's head: declares that it mutates when anything in the pipeline does. */
class PipelineEntry implements Consumer {
  readonly mutates: boolean;
  readonly #inner: Consumer;
  constructor(inner: Consumer, mutates: boolean) {
    this.#inner = inner;
    this.mutates = mutates;
  }
  consume(batch: Batch): Promise<void> {
    return this.#inner.consume(batch);
  }
}

/** Builds the graph. The config has been validated: references exist and connectors form no cycle. */
export function buildGraph(config: CollectorConfig, opts: GraphOptions): Graph {
  const graph = new Graph();
  const pipelines = config.service.pipelines;
  const settings = (kind: Kind, c: ComponentConfig<Factory>, key: string): CreateSettings => ({
    id: c.id,
    logger: opts.logger.child({ component: key }),
    metrics: opts.metrics,
    shutdownTimeoutMs: opts.shutdownTimeoutMs,
  });

  // Extensions, in service.extensions order.
  for (const id of config.service.extensions) {
    const c = config.extensions.get(id)!;
    const key = `extension/${id}`;
    const instance: Extension = c.factory.create(settings('extension', c, key), c.config);
    graph.extensions.push({ key, kind: 'extension', id, instance });
  }

  // Exporters: one per id and signal.
  const exporters = new Map<string, Consumer>();
  const wrap = opts.wrapExporter;
  for (const p of pipelines.values()) {
    for (const id of p.exporters) {
      const c = config.exporters.get(id);
      if (!c) continue; // a connector
      const k = `${id}@${p.signal}`;
      if (exporters.has(k)) continue;
      const key = `exporter/${k}`;
      const instance = c.factory.create(settings('exporter', c, key), c.config, p.signal);
      exporters.set(k, wrap ? wrap(id, p.signal, instance) : instance);
      graph.exporters.push({ key, kind: 'exporter', id, instance });
    }
  }

  // Pipelines in dependency order: a pipeline that exports to a connector is built after
  // every pipeline that connector feeds.
  const order = pipelineBuildOrder(config);
  graph.pipelineOrder.push(...order);
  const connectorInstances = new Map<string, Connector>();

  for (const pid of order) {
    const p = pipelines.get(pid)!;
    const tail: Consumer[] = [];
    const connNodes: Node[] = [];
    let anyMutates = false;
    for (const id of p.exporters) {
      const exp = exporters.get(`${id}@${p.signal}`);
      if (exp) {
        tail.push(exp);
        continue;
      }
      // A connector: one instance per target signal among the pipelines it feeds.
      const c = config.connectors.get(id)!;
      const fed = [...pipelines.values()].filter((q) => q.receivers.includes(id));
      for (const to of new Set(fed.map((q) => q.signal))) {
        const k = `${id}@${p.signal}>${to}`;
        let conn = connectorInstances.get(k);
        if (!conn) {
          const targets = fed.filter((q) => q.signal === to);
          const byPipeline = new Map<string, Consumer>(targets.map((q) => [q.id, graph.entries.get(q.id)!]));
          const all = fanout([...byPipeline.values()]);
          const key = `connector/${k}`;
          const created = c.factory.create(settings('connector', c, key), c.config, p.signal, to, { all, byPipeline });
          // A connector of one signal may hand its input on as it is: then it mutates when
          // anything it feeds does. One that turns traces into metrics never passes its input on.
          const passesOn = p.signal === to;
          conn = created.mutates || (passesOn && (all.mutates || [...byPipeline.values()].some((x) => x.mutates)))
            ? withMutates(created, true)
            : created;
          connectorInstances.set(k, conn);
          graph.connectors.push({ key, kind: 'connector', id, instance: created });
        }
        connNodes.push(graph.connectors.find((n) => n.key === `connector/${k}`)!);
        anyMutates ||= conn.mutates;
        tail.push(conn);
      }
    }

    let next = fanout(tail);
    const procNodes: Node[] = [];
    for (let i = p.processors.length - 1; i >= 0; i--) {
      const id = p.processors[i];
      const c = config.processors.get(id)!;
      const key = `processor/${id}@${pid}`;
      const pm = opts.metrics.processor(id, p.signal);
      const out = new CountingConsumer(next, pm.outgoing);
      const instance: Processor = c.factory.create(settings('processor', c, key), c.config, p.signal, out);
      anyMutates ||= instance.mutates;
      next = new CountingConsumer(instance, pm.incoming);
      procNodes.unshift({ key, kind: 'processor', id, instance });
    }
    graph.processors.push(...procNodes);
    for (const n of [...procNodes, ...connNodes]) graph.addStage(pid, n);
    graph.entries.set(pid, new PipelineEntry(next, anyMutates));
  }
  // Receivers: one per id, fanning out to every pipeline of each signal that lists it.
  for (const [id, c] of config.receivers) {
    const consumers: ReceiverConsumers = {};
    let used = false;
    for (const signal of ['traces', 'metrics', 'logs'] as Signal[]) {
      const heads = [...pipelines.values()].filter((p) => p.signal === signal && p.receivers.includes(id)).map((p) => graph.entries.get(p.id)!);
      if (heads.length > 0) {
        consumers[signal] = fanout(heads);
        used = true;
      }
    }
    if (!used) continue; // unused: a warning at validation, not built
    const key = `receiver/${id}`;
    const instance: Receiver = c.factory.create(settings('receiver', c, key), c.config, consumers);
    graph.receivers.push({ key, kind: 'receiver', id, instance });
  }
  return graph;
}

function withMutates(inner: Connector, mutates: boolean): Connector {
  return {
    mutates,
    consume: (b) => inner.consume(b),
    start: (h) => inner.start(h),
    shutdown: () => inner.shutdown(),
    health: inner.health ? () => inner.health!() : undefined,
  };
}

/** Pipelines ordered so that each comes after every pipeline its connectors feed. */
export function pipelineBuildOrder(config: CollectorConfig): string[] {
  const pipelines = config.service.pipelines;
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: string[] = [];
  const visit = (p: PipelineConfig): void => {
    if (done.has(p.id)) return;
    if (visiting.has(p.id)) throw new Error(`connector cycle through pipeline ${p.id}`);
    visiting.add(p.id);
    for (const id of p.exporters) {
      if (!config.connectors.has(id)) continue;
      for (const q of pipelines.values()) if (q.receivers.includes(id)) visit(q);
    }
    visiting.delete(p.id);
    done.add(p.id);
    out.push(p.id);
  };
  for (const p of pipelines.values()) visit(p);
  return out;
}

export type { Health };

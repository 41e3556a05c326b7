import type { Logger } from 'pino';
import type { CollectorConfig, PipelineConfig } from '../config/model.ts';
import type { Signal } from '../pdata/types.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { ComponentConfig } from '../config/model.ts';
import type { Consumer } from './consumer.ts';
import type { CreateSettings, Exporter, ExporterFactory, Health, Kind, Lifecycle, ReceiverConsumers } from './component.ts';
import type { TapPoint } from './tap.ts';
import { fanout } from './fanout.ts';
import { buildConnectors, buildExporters, buildExtensions, buildProcessors, buildReceivers, exporterKey, GraphBuilder, PipelineEntry, tapPoint } from './nodes.ts';

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
  /**
   * Builds something else in an exporter's place (`genrf-collector test` puts captures there).
   * Default: the exporter its factory creates.
   */
  exporterStandIn?: (id: string, signal: Signal, config: ComponentConfig<ExporterFactory>, settings: CreateSettings) => Exporter;
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
  /** What each built receiver feeds, by receiver id (`genrf-collector test` pushes here). */
  readonly receiverInputs = new Map<string, ReceiverConsumers>();
  /** Where records can be tapped, by `id@pipeline`. */
  readonly taps = new Map<string, TapPoint[]>();

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

  /**
   * A connector shared by several pipelines stops after the last of them (their processors
   * flush into it); every pipeline exporting to a connector comes before every pipeline it
   * feeds in this order, so it still stops before those.
   */
  #pipelineStages(): Node[] {
    const out: Node[] = [];
    for (const p of [...this.pipelineOrder].reverse()) {
      for (const n of this.#stages.get(p) ?? []) {
        const at = out.indexOf(n);
        if (at >= 0) out.splice(at, 1);
        out.push(n);
      }
    }
    return out;
  }

  *all(): Iterable<Node> {
    yield* this.startOrder();
  }
}

/**
 * Builds the graph in phases, as otelcol's service/internal/graph does: extensions, then the
 * exporters, then each pipeline from downstream to upstream (its connectors, then its
 * processors, back to front, so that each is created with the consumer it feeds), then the
 * receivers, which feed the pipeline heads. The config has been validated: references exist
 * and connectors form no cycle.
 */
export function buildGraph(config: CollectorConfig, opts: GraphOptions): Graph {
  const b = new GraphBuilder(new Graph(), config, opts);
  buildExtensions(b);
  const exporters = buildExporters(b);
  // A pipeline that exports to a connector is built after every pipeline that connector feeds.
  const order = pipelineBuildOrder(config);
  b.graph.pipelineOrder.push(...order);
  for (const pid of order) buildPipeline(b, config.service.pipelines.get(pid)!, exporters);
  buildReceivers(b);
  return b.graph;
}

/** One pipeline: its exporters and connectors behind one fan-out, its processors in front. */
function buildPipeline(b: GraphBuilder, p: PipelineConfig, exporters: ReadonlyMap<string, Consumer>): void {
  const tail: Consumer[] = [];
  const connNodes: Node[] = [];
  let connectorsMutate = false;
  for (const id of p.exporters) {
    const exporter = exporters.get(exporterKey(id, p.signal));
    if (exporter !== undefined) {
      tail.push(tapPoint(b, 'exporter', id, p, 'in', exporter));
      continue;
    }
    for (const { node, consumer } of buildConnectors(b, id, p)) {
      connNodes.push(node);
      connectorsMutate ||= consumer.mutates;
      tail.push(tapPoint(b, 'connector', id, p, 'in', consumer));
    }
  }
  const { head, nodes, mutates } = buildProcessors(b, p, fanout(tail));
  b.graph.processors.push(...nodes);
  for (const n of [...nodes, ...connNodes]) b.graph.addStage(p.id, n);
  b.graph.entries.set(p.id, new PipelineEntry(head, connectorsMutate || mutates));
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

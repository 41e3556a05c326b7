import type { CollectorConfig, ComponentConfig } from '../config/model.ts';
import type { Signal } from '../pdata/types.ts';
import { SelfMetrics } from '../telemetry/metrics.ts';
import { silentLogger } from '../telemetry/logger.ts';
import type { CreateSettings, Exporter, ExporterFactory, Host, ReceiverInput } from './component.ts';
import { buildGraph, type Graph } from './graph.ts';
import type { EngineParts } from './load.ts';

/** Builds the stand-in for one exporter (id, signal) of the config. */
export type StandIn = (id: string, signal: Signal, config: ComponentConfig<ExporterFactory>, settings: CreateSettings) => Exporter;

const HOST: Host = { components: () => [] };

/**
 * The real pipeline graph of a config with its exporters replaced (`genrf-collector test`):
 * processors, connectors and the security guard run as in `run`; receivers are built but not
 * started, and inputs are decoded by the receiver's own decoder and pushed where it would
 * push them. Nothing listens on a port; extensions are not started.
 */
export class Harness {
  readonly graph: Graph;
  readonly metrics = new SelfMetrics();
  readonly #config: CollectorConfig;
  #started = false;

  constructor(config: CollectorConfig, parts: EngineParts, standIn: StandIn) {
    this.#config = config;
    const logger = silentLogger();
    this.graph = buildGraph(config, {
      logger,
      metrics: this.metrics,
      shutdownTimeoutMs: config.service.shutdownTimeoutMs,
      wrapExporter: parts.exporterWrapper?.(config, logger, this.metrics),
      exporterStandIn: standIn,
    });
  }

  /** Starts the stand-ins, connectors and processors, in run's order. */
  async start(): Promise<void> {
    for (const node of this.graph.startOrder()) {
      if (node.kind === 'receiver' || node.kind === 'extension') continue;
      await node.instance.start(HOST);
    }
    this.#started = true;
  }

  /**
   * Decodes one input as receiver `id` would and pushes it into the pipelines it feeds.
   * Rejects with the receiver's decode error, or the pipeline's refusal.
   */
  async push(id: string, input: ReceiverInput): Promise<number> {
    const c = this.#config.receivers.get(id);
    if (!c) throw new Error(`no receiver "${id}" in the pipeline files (receivers: ${[...this.#config.receivers.keys()].join(', ')})`);
    if (c.factory.decode === undefined) throw new Error(`receiver ${id}: the ${c.factory.type} receiver cannot be fed by pipeline tests`);
    const consumer = this.graph.receiverInputs.get(id)?.[input.signal];
    if (consumer === undefined) throw new Error(`receiver ${id} feeds no ${input.signal} pipeline`);
    const batch = c.factory.decode(c.config, input);
    const items = batch.items;
    if (items > 0) await consumer.consume(batch);
    return items;
  }

  /** Stops everything started, upstream first: processors flush what they hold (batch), connectors emit (spanmetrics). */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (const node of this.graph.stopOrder()) {
      if (node.kind === 'receiver' || node.kind === 'extension') continue;
      await node.instance.shutdown();
    }
  }
}

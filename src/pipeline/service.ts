import { redactText } from '../telemetry/redact.ts';
import type { Logger } from 'pino';
import type { CollectorConfig } from '../config/model.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { Problem, ProblemLog } from '../telemetry/problems.ts';
import type { Extension, Health, Host, Kind } from './component.ts';
import { buildGraph, type ExporterWrapper, type Graph, type Node } from './graph.ts';
import { graphModel, type GraphModel } from './graph-model.ts';
import { configHash } from './config-hash.ts';
import { HealthWatch } from './health-watch.ts';
import type { ReloadOutcome, ReloadTrigger, SecurityView } from './introspection.ts';
import type { TapPoint, TapPolicy } from './tap.ts';

export interface ServiceOptions {
  logger: Logger;
  metrics: SelfMetrics;
  wrapExporter?: ExporterWrapper;
  /** service.security as it applies to this config: what the status page shows, what a tap may see. */
  security?: { view: SecurityView; tapPolicy: TapPolicy };
  /** The last problem each component logged (fed by the daemon's logger). */
  problems?: ProblemLog;
  /** How an extension reloads the daemon (given by the Reloader). */
  reload?: (trigger: ReloadTrigger) => Promise<ReloadOutcome>;
  /** How often health transitions are looked for (HealthWatch); default 1 s. */
  healthWatchMs?: number;
}

type State = 'built' | 'starting' | 'running' | 'stopping' | 'stopped';

/** service.start_timeout when the config has none. */
export const DEFAULT_START_TIMEOUT_MS = 60_000;

/**
 * A component whose start did not settle within service.start_timeout (a mkdir on /proc that
 * never returns, a handshake that never ends). `ETIMEDOUT`: an operator's problem to fix
 * (the path, the network), reported in one line without a stack.
 */
export class StartTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`did not start within ${ms} ms (service.start_timeout)`);
    this.name = 'StartTimeoutError';
  }
}

/**
 * A built graph with its lifecycle: start exporters, then connectors and processors, then
 * receivers; stop in the reverse direction so that each component drains into components
 * that are still running.
 */
export class Service implements Host {
  readonly graph: Graph;
  readonly #logger: Logger;
  readonly #shutdownTimeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #started = new Set<Node>();
  readonly #config: CollectorConfig;
  readonly #opts: ServiceOptions;
  readonly #hash: string;
  #model: GraphModel | undefined;
  #extensions: Map<string, Extension> | undefined;
  #state: State = 'built';
  readonly #healthWatch: HealthWatch;
  readonly tapPolicy: TapPolicy | undefined;
  readonly reload: ((trigger: ReloadTrigger) => Promise<ReloadOutcome>) | undefined;

  constructor(config: CollectorConfig, opts: ServiceOptions) {
    this.#config = config;
    this.#opts = opts;
    this.#hash = configHash(config);
    this.tapPolicy = opts.security?.tapPolicy;
    this.reload = opts.reload;
    this.#logger = opts.logger;
    this.#shutdownTimeoutMs = config.service.shutdownTimeoutMs;
    this.#startTimeoutMs = config.service.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.#healthWatch = new HealthWatch(() => this.components(), opts.logger, opts.healthWatchMs);
    this.graph = buildGraph(config, {
      logger: opts.logger,
      metrics: opts.metrics,
      shutdownTimeoutMs: this.#shutdownTimeoutMs,
      wrapExporter: opts.wrapExporter,
    });
  }

  get state(): State {
    return this.#state;
  }

  *components(): Iterable<{ id: string; kind: Kind; health(): Health }> {
    for (const node of this.graph.all()) {
      yield { id: node.key, kind: node.kind, health: () => this.#health(node) };
    }
  }

  extensions(): ReadonlyMap<string, Extension> {
    this.#extensions ??= new Map(this.graph.extensions.map((n) => [n.id, n.instance]));
    return this.#extensions;
  }

  pipelineGraph(): GraphModel {
    this.#model ??= graphModel(this.#config);
    return this.#model;
  }

  tapPoints(): ReadonlyMap<string, readonly TapPoint[]> {
    return this.graph.taps;
  }

  security(): SecurityView | undefined {
    return this.#opts.security?.view;
  }

  problems(): ReadonlyMap<string, Problem> {
    return this.#opts.problems?.last ?? new Map();
  }

  configHash(): string {
    return this.#hash;
  }

  extension(id: string): Extension | undefined {
    const node = this.graph.extensions.find((n) => n.id === id);
    return node !== undefined && this.#started.has(node) ? (node.instance as Extension) : undefined;
  }

  #health(node: Node): Health {
    if (!this.#started.has(node)) return { healthy: false, message: this.#state === 'stopping' ? 'stopping' : 'not started' };
    const h = node.instance.health?.() ?? { healthy: true };
    // /health is unauthenticated by default: a message must not carry a secret (an endpoint's password).
    return h.message === undefined ? h : { ...h, message: redactText(h.message) };
  }

  /**
   * Starts everything; if a component fails to start, or its start does not settle within
   * service.start_timeout, stops what started and rethrows. A start that never settles is left
   * behind (the caller exits): waiting on it would leave the daemon half-started forever.
   */
  async start(): Promise<void> {
    this.#state = 'starting';
    for (const node of this.graph.startOrder()) {
      try {
        await this.#startOne(node);
        this.#started.add(node);
      } catch (err) {
        // Not logged here: the caller reports the error it is given (run: one fatal line).
        await this.shutdown();
        throw new Error(`${node.key} failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    this.#state = 'running';
    this.#logger.info({ components: this.#started.size }, 'everything is ready: the daemon is running');
    this.#healthWatch.start();
  }

  async #startOne(node: Node): Promise<void> {
    const ms = this.#startTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        node.instance.start(this),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StartTimeoutError(ms)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops receivers first, then drains the rest in pipeline order. Receivers stop taking
   * new requests at once, but the requests they are answering wait on the pipeline (a batch
   * processor answers only once its batch is accepted), so receivers finish *while* the
   * processors flush, not before. Each component gets the shutdown timeout; one that
   * overruns is left behind with an error logged, so it cannot hold the process forever.
   */
  async shutdown(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    this.#healthWatch.stop();
    const deadline = Date.now() + this.#shutdownTimeoutMs + 1000;
    const receivers = this.graph.receivers.filter((n) => this.#started.has(n));
    const receiversDone = receivers.map((node) => this.#stop(node, deadline));
    for (const node of this.graph.stopOrder()) {
      if (node.kind === 'receiver' || node.kind === 'exporter' || node.kind === 'extension') continue;
      if (this.#started.has(node)) await this.#stop(node, deadline);
    }
    await Promise.all(receiversDone);
    for (const node of [...this.graph.exporters, ...this.graph.extensions]) {
      if (this.#started.has(node)) await this.#stop(node, deadline);
    }
    this.#state = 'stopped';
    this.#logger.info('stopped');
  }

  async #stop(node: Node, deadline: number): Promise<void> {
    const remaining = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        node.instance.shutdown(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not stop within ${remaining} ms`)), remaining);
        }),
      ]);
    } catch (err) {
      this.#logger.error({ component: node.key, err }, 'component did not stop cleanly');
    } finally {
      clearTimeout(timer);
      this.#started.delete(node);
    }
  }
}

import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Signal } from '../pdata/types.ts';
import type { Consumer } from './consumer.ts';
import type { ComponentId } from './component-id.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';

export type Kind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';
export type Stability = 'development' | 'alpha' | 'beta' | 'stable';

/** Health of one component, as `/health` shows it. */
export interface Health {
  healthy: boolean;
  /** Why it is unhealthy (or a note when healthy); shown as `unhealthy: <message>`. */
  message?: string;
}

/** What a running component can ask of the daemon. */
export interface Host {
  /** Every built component with its health, for the health_check extension. */
  components(): Iterable<{ id: string; kind: Kind; health(): Health }>;
}

/** Start and stop. `start` may open ports; construction never does (`validate` builds). */
export interface Lifecycle {
  start(host: Host): Promise<void>;
  /** Stop taking work, finish or hand on what is in flight, release resources. */
  shutdown(): Promise<void>;
  health?(): Health;
}

export interface CreateSettings {
  id: ComponentId;
  logger: Logger;
  metrics: SelfMetrics;
  /** Milliseconds the daemon gives components to drain on shutdown. */
  shutdownTimeoutMs: number;
}

export type Receiver = Lifecycle;
export interface Processor extends Lifecycle, Consumer {}
export interface Exporter extends Lifecycle, Consumer {}
export interface Connector extends Lifecycle, Consumer {}
export type Extension = Lifecycle;

/** The consumers a receiver feeds: one fan-out per signal it is used for. */
export type ReceiverConsumers = Partial<Record<Signal, Consumer>>;

interface FactoryBase<C> {
  readonly type: string;
  readonly description: string;
  /** Source of truth for the component's options: validation, defaults, types, JSON Schema. */
  readonly config: z.ZodType<C>;
}

export interface ReceiverFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'receiver';
  readonly signals: Partial<Record<Signal, Stability>>;
  /** One receiver per id, shared by every pipeline that lists it. */
  create(settings: CreateSettings, config: C, consumers: ReceiverConsumers): Receiver;
}

export interface ProcessorFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'processor';
  readonly signals: Partial<Record<Signal, Stability>>;
  /** One processor per pipeline that lists it. */
  create(settings: CreateSettings, config: C, signal: Signal, next: Consumer): Processor;
}

export interface ExporterFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'exporter';
  readonly signals: Partial<Record<Signal, Stability>>;
  /** One exporter per id and signal, shared by the pipelines of that signal. */
  create(settings: CreateSettings, config: C, signal: Signal): Exporter;
}

/** The pipelines a connector feeds, by pipeline id (`logs/security`), and all of them. */
export interface ConnectorConsumers {
  readonly all: Consumer;
  readonly byPipeline: ReadonlyMap<string, Consumer>;
}

export interface ConnectorFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'connector';
  /** Supported pairs, `from>to` (e.g. `logs>logs`, `traces>metrics`), with stability. */
  readonly pairs: Partial<Record<`${Signal}>${Signal}`, Stability>>;
  /**
   * Optional check of the config against the pipelines it feeds (e.g. a routing table that
   * names a pipeline the connector does not export to). Returns messages with yaml paths.
   */
  checkPipelines?(config: C, to: readonly string[]): Array<{ path: (string | number)[]; message: string }>;
  create(settings: CreateSettings, config: C, from: Signal, to: Signal, next: ConnectorConsumers): Connector;
}

export interface ExtensionFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'extension';
  readonly stability: Stability;
  create(settings: CreateSettings, config: C): Extension;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ConnectorFactory | ExtensionFactory;

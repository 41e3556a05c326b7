import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Signal } from '../pdata/types.ts';
import type { Consumer } from './consumer.ts';
import type { ComponentId } from './component-id.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { Problem } from '../telemetry/problems.ts';
import type { Batch } from '../pdata/batch.ts';
import type { GraphModel } from './graph-model.ts';
import type { TapPoint, TapPolicy } from './tap.ts';
import type { ReloadOutcome, ReloadTrigger, SecurityView } from './introspection.ts';

export type Kind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';
export type Stability = 'development' | 'alpha' | 'beta' | 'stable';

/** Health of one component, as `/health` shows it. */
export interface Health {
  healthy: boolean;
  /** Why it is unhealthy (or a note when healthy); shown as `unhealthy: <message>`. */
  message?: string;
  /**
   * Healthy, but waiting for something outside the daemon that comes by itself (a Kafka topic
   * not created yet): shown as `waiting: <message>`; it does not make /health fail.
   */
  waiting?: boolean;
  /**
   * Unhealthy because it refuses data on purpose until a condition passes (memory_limiter above
   * its soft limit): shown as `refusing: <message>`; /health answers 503.
   */
  refusing?: boolean;
}

/**
 * What a running component can ask of the daemon. Only `components` is always there; the
 * rest is what the running service offers an extension that shows or steers it (status).
 */
export interface Host {
  /** Every built component with its health, for the health_check extension. */
  components(): Iterable<{ id: string; kind: Kind; health(): Health }>;
  /** The built extensions by id (`bearertokenauth/workers`): what a server's `auth.authenticator` names. */
  extensions?(): ReadonlyMap<string, Extension>;
  /** The pipelines as the graph `graph` prints. */
  pipelineGraph?(): GraphModel;
  /** Where records can be tapped, by `id@pipeline` (one point may stand in several places). */
  tapPoints?(): ReadonlyMap<string, readonly TapPoint[]>;
  /** Whether a point may be tapped; absent: every point may. */
  tapPolicy?: TapPolicy;
  /** service.security as it applies to this config, or undefined without a policy. */
  security?(): SecurityView | undefined;
  /** The last warning or error each component logged, by node key. */
  problems?(): ReadonlyMap<string, Problem>;
  /** sha256 of the running configuration (merged, env-expanded), first 16 hex digits. */
  configHash?(): string;
  /** Reads the pipeline files again, as SIGHUP does. */
  reload?(trigger: ReloadTrigger): Promise<ReloadOutcome>;
  /**
   * The extension with this id (`file_storage/queue`) once it has started, else undefined.
   * Extensions start before every other component, so an exporter's start finds them.
   * Optional: a host without extensions (a test's) may leave it out.
   */
  extension?(id: string): Extension | undefined;
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

/** A server a component opens, as `validate` checks it (auth references, exposure). */
export interface ListenerInfo {
  /** Where its options sit, below the component's id (`['protocols', 'grpc']`). */
  path: (string | number)[];
  endpoint: string;
  tls: boolean;
  /** The extension id its `auth.authenticator` names. */
  authenticator?: string;
}

interface FactoryBase<C> {
  readonly type: string;
  readonly description: string;
  /** Source of truth for the component's options: validation, defaults, types, JSON Schema. */
  readonly config: z.ZodType<C>;
  /** The servers a component with this config opens (none when absent). */
  listeners?(config: C): ListenerInfo[];
  /** Connections it makes that would carry a credential or data unprotected (`validate` warns). */
  linkWarnings?(config: C): LinkWarning[];
  /**
   * Imports the implementation (see lazy.ts). The engine awaits it for every factory a config
   * uses before calling `create`, `decode` or `preview`; a factory without it is all loaded.
   */
  load?(): Promise<void>;
}

/** An outgoing connection `validate` warns about, at its option's path below the component's id. */
export interface LinkWarning {
  path: (string | number)[];
  message: string;
}

/** One request or message as a receiver would get it off the wire (for `genrf-collector test`). */
export interface ReceiverInput {
  signal: Signal;
  /** The bytes: a request body, a message value. */
  body: Uint8Array;
  /** How the body is encoded, for receivers that take several (otlp: `json` or `proto`). */
  format?: string;
  /** Message headers (kafka), in order. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

export interface ReceiverFactory<C = any> extends FactoryBase<C> {
  readonly kind: 'receiver';
  readonly signals: Partial<Record<Signal, Stability>>;
  /** One receiver per id, shared by every pipeline that lists it. */
  create(settings: CreateSettings, config: C, consumers: ReceiverConsumers): Receiver;
  /**
   * Decodes one input exactly as the receiver does what it receives, without a network
   * (`genrf-collector test`). Throws a DecodeError when the receiver would refuse it.
   */
  decode?(config: C, input: ReceiverInput): Batch;
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
  /**
   * Optional, for `genrf-collector test`: the exporter's own translation without sending
   * (the prometheus exporter's exposition), as text a test can match.
   */
  preview?(settings: CreateSettings, config: C, signal: Signal): ExporterPreview;
}

/** What an exporter would make of batches: `consume` them, then read `text()`. */
export interface ExporterPreview {
  consume(batch: Batch): void;
  text(): string;
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
  /**
   * True for an extension that servers name in `auth.authenticator` (it implements
   * net/auth.ts ServerAuthenticator). It starts before the other extensions.
   */
  readonly authenticator?: boolean;
  create(settings: CreateSettings, config: C): Extension;
}

export type Factory = ReceiverFactory | ProcessorFactory | ExporterFactory | ConnectorFactory | ExtensionFactory;

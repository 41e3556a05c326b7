// The validated configuration the engine consumes. Produced by loadConfig (load.ts); every
// component's `config` has been parsed by its factory's schema, so defaults are applied.
import type { Signal } from '../pdata/types.ts';
import type { ComponentId } from '../pipeline/component-id.ts';
import type { Kind, Factory, ReceiverFactory, ProcessorFactory, ExporterFactory, ConnectorFactory, ExtensionFactory } from '../pipeline/component.ts';
import type { DiagnosticCode } from './diagnostics.ts';
import type { ServerTlsConfig } from '../net/tls-config.ts';

/** Where a value was written. 1-based line and column; `file` as given to loadConfig. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface ComponentConfig<F extends Factory = Factory> {
  id: ComponentId;
  kind: Kind;
  factory: F;
  /** Output of `factory.config`: defaults applied, transforms run (durations are ms). */
  config: unknown;
  /** Position of the component's key (`file/app:`) in its section. */
  pos: SourcePos;
}

export interface PipelineConfig {
  /** As written: `logs/app`. */
  id: string;
  signal: Signal;
  /** The part after the slash; '' for `logs`. */
  name: string;
  /** Component ids as written (`otlp`, `routing/security`); connectors appear here too. */
  receivers: string[];
  processors: string[];
  exporters: string[];
  pos: SourcePos;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type MetricsLevel = 'none' | 'basic' | 'normal' | 'detailed';

export interface ServiceConfig {
  /** By pipeline id, in file order. */
  pipelines: Map<string, PipelineConfig>;
  /** Extension ids to start, in order. */
  extensions: string[];
  telemetry: {
    logs: { level: LogLevel };
    /** The daemon's own metrics. address default 127.0.0.1:8888; '' or level none disables. */
    metrics: { address: string; level: MetricsLevel; tls?: ServerTlsConfig };
  };
  /** service.shutdown_timeout in ms (default 10s). */
  shutdownTimeoutMs: number;
  /** service.start_timeout in ms: the most one component's start may take (default 60s). */
  startTimeoutMs?: number;
}

export interface CollectorConfig {
  receivers: Map<string, ComponentConfig<ReceiverFactory>>;
  processors: Map<string, ComponentConfig<ProcessorFactory>>;
  exporters: Map<string, ComponentConfig<ExporterFactory>>;
  connectors: Map<string, ComponentConfig<ConnectorFactory>>;
  extensions: Map<string, ComponentConfig<ExtensionFactory>>;
  service: ServiceConfig;
  /** The files that were read, in merge order. */
  files: string[];
  /** The merged, env-expanded document (for blocks read directly, e.g. service.security). */
  raw: Record<string, unknown>;
  /** Where a value of `raw` was written (the file it came from after merging). */
  positionOf(path: (string | number)[]): SourcePos | undefined;
  /** `text` with every value that came from `${env:...}` shown as written (see envHider). */
  hideEnv?(text: string): string;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  /** From the table in diagnostics.ts, e.g. CFG_UNKNOWN_KEY. */
  code: DiagnosticCode;
  message: string;
  pos?: SourcePos;
  /** YAML path, e.g. `exporters.file/app.rotation.max_megabytes`, `service.pipelines.logs.receivers[1]`. */
  path: string;
  componentId?: string;
  /** Kind of componentId, shown as `[exporter file/app]`; derived from `path` when absent. */
  kind?: Kind;
}

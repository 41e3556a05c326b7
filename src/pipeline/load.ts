import type { Logger } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { CollectorConfig, Diagnostic } from '../config/model.ts';
import { SelfMetrics } from '../telemetry/metrics.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { buildGraph, type ExporterWrapper } from './graph.ts';
import type { Registry } from './registry.ts';
import type { SecurityView } from './introspection.ts';
import type { TapPolicy } from './tap.ts';

/**
 * What the engine is given by its caller (the CLI): the component factories it may build,
 * and what service.security adds. The engine knows no component and no policy itself.
 */
export interface EngineParts {
  registry: Registry;
  /** Whole-config checks run after a config loaded cleanly (service.security's proof); errors make it invalid. */
  check?: (config: CollectorConfig) => Diagnostic[];
  /** The wrapper put in front of every exporter of a config (service.security's run-time guard), or undefined. */
  exporterWrapper?: (config: CollectorConfig, logger: Logger, metrics: SelfMetrics) => ExporterWrapper | undefined;
  /** What service.security says about a config, for the status page and taps; undefined without a policy. */
  inspectSecurity?: (config: CollectorConfig) => { view: SecurityView; tapPolicy: TapPolicy } | undefined;
  /**
   * Validates the pipeline files away from the running pipelines (a worker thread), so that a
   * reload of a hostile or broken file never stalls them; only a valid config is loaded again
   * beside them; `signal` abandons the check (the daemon is stopping). Absent: a reload
   * validates on the calling thread.
   */
  precheck?: (paths: string[], signal?: AbortSignal) => Promise<Precheck>;
}

/** What a precheck found: the error count and the first diagnostics (`omitted` more). */
export interface Precheck {
  errors: number;
  diagnostics: Diagnostic[];
  omitted: number;
}

export interface Loaded {
  config: CollectorConfig | undefined;
  diagnostics: Diagnostic[];
  errors: number;
}

/**
 * Loads and validates the pipeline files, then builds the whole graph as `run` would
 * (without starting anything), so that a factory's own checks count as validation errors.
 * The implementations of the components the config uses are imported first (and only those).
 */
export async function loadAndBuild(paths: string[], parts: EngineParts, env: NodeJS.ProcessEnv = process.env): Promise<Loaded> {
  const { config, diagnostics } = loadConfig(paths, parts.registry, env);
  let errors = diagnostics.filter((d) => d.severity === 'error').length;
  const loaded = config !== undefined && errors === 0;
  if (loaded && parts.check !== undefined) {
    const found = parts.check(config);
    diagnostics.push(...found);
    errors += found.filter((d) => d.severity === 'error').length;
  }
  if (loaded) {
    try {
      await loadImplementations(config);
      const logger = silentLogger();
      const metrics = new SelfMetrics();
      const wrapExporter = parts.exporterWrapper?.(config, logger, metrics);
      buildGraph(config, { logger, metrics, shutdownTimeoutMs: config.service.shutdownTimeoutMs, wrapExporter });
    } catch (err) {
      const message = (err as Error).message;
      diagnostics.push({ severity: 'error', code: 'CFG_BUILD_FAILED', message: config.hideEnv?.(message) ?? message, path: 'service' });
      errors++;
    }
  }
  return { config: errors === 0 ? config : undefined, diagnostics, errors };
}

/**
 * Imports the implementation of every component `config` uses (factory `load()`, see
 * lazy.ts), so that the graph can be built synchronously. A component no config names is
 * never imported, nor the libraries it needs.
 */
export async function loadImplementations(config: CollectorConfig): Promise<void> {
  const factories = new Set<{ load?(): Promise<void> }>();
  for (const kind of [config.receivers, config.processors, config.exporters, config.connectors, config.extensions]) {
    for (const c of kind.values()) factories.add(c.factory);
  }
  await Promise.all([...factories].map((f) => f.load?.()));
}

import type { Logger } from 'pino';
import type { CollectorConfig } from '../config/model.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import { Service } from './service.ts';
import { loadAndBuild, type EngineParts } from './load.ts';

/**
 * The running pipelines and their replacement on SIGHUP. A reload validates the files
 * again and builds the new graph beside the old one; only when it is valid does the old
 * one stop (receivers first, draining as on SIGTERM) and the new one start. An invalid
 * config keeps the old pipelines running and logs every problem. If the new pipelines fail
 * to start (a port taken, say), the previous config is started again.
 *
 * The daemon's own metrics endpoint and log level stay as they were at start.
 */
export class Reloader {
  readonly #paths: string[];
  readonly #logger: Logger;
  readonly #metrics: SelfMetrics;
  readonly #parts: EngineParts;
  #config: CollectorConfig;
  #service: Service;
  /** Reloads and stops run one at a time. */
  #busy: Promise<unknown> = Promise.resolve();

  constructor(paths: string[], config: CollectorConfig, opts: { logger: Logger; metrics: SelfMetrics; parts: EngineParts }) {
    this.#paths = paths;
    this.#logger = opts.logger;
    this.#metrics = opts.metrics;
    this.#parts = opts.parts;
    this.#config = config;
    this.#service = this.#serviceFor(config);
  }

  /** A built (not started) service for a config, with the caller's exporter wrapper. */
  #serviceFor(config: CollectorConfig): Service {
    const wrapExporter = this.#parts.exporterWrapper?.(config, this.#logger, this.#metrics);
    return new Service(config, { logger: this.#logger, metrics: this.#metrics, wrapExporter });
  }

  get service(): Service {
    return this.#service;
  }

  start(): Promise<void> {
    return this.#service.start();
  }

  /** Waits for a reload in progress, then stops the running pipelines. */
  shutdown(): Promise<void> {
    const run = this.#busy.then(() => this.#service.shutdown());
    this.#busy = run;
    return run;
  }

  reload(): Promise<boolean> {
    const run = this.#busy.then(() => this.#reload());
    this.#busy = run.catch(() => {});
    return run;
  }

  async #reload(): Promise<boolean> {
    if (this.#service.state === 'stopping' || this.#service.state === 'stopped') return false;
    const { config, diagnostics, errors } = loadAndBuild(this.#paths, this.#parts);
    if (errors > 0 || !config) {
      for (const d of diagnostics) {
        this.#logger[d.severity === 'error' ? 'error' : 'warn']({ code: d.code, path: d.path, file: d.pos?.file, line: d.pos?.line, col: d.pos?.col }, d.message);
      }
      this.#logger.error({ errors }, 'reload refused: the configuration is not valid; the running pipelines stay as they are');
      return false;
    }
    for (const d of diagnostics) this.#logger.warn({ code: d.code, path: d.path, file: d.pos?.file, line: d.pos?.line }, d.message);
    const next = this.#serviceFor(config);
    this.#logger.info('reload: the new configuration is valid; stopping the running pipelines');
    await this.#service.shutdown();
    try {
      await next.start();
    } catch (err) {
      this.#logger.error({ err }, 'reload: the new pipelines failed to start; starting the previous configuration again');
      this.#service = this.#serviceFor(this.#config);
      await this.#service.start();
      return false;
    }
    this.#service = next;
    this.#config = config;
    this.#logger.info({ pipelines: [...config.service.pipelines.keys()] }, 'reload: done');
    return true;
  }
}

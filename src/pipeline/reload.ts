import type { Logger } from 'pino';
import { formatDiagnostic } from '../config/diagnostics.ts';
import type { CollectorConfig } from '../config/model.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { ProblemLog } from '../telemetry/problems.ts';
import { Service } from './service.ts';
import { configHash } from './config-hash.ts';
import { loadAndBuild, type EngineParts, type Precheck } from './load.ts';
import type { ReloadOutcome, ReloadTrigger } from './introspection.ts';

/**
 * The running pipelines and their replacement on SIGHUP, `POST /reload` (status extension)
 * or a watched file. Every trigger takes the same path: the files are validated again and
 * the new graph is built beside the old one; only when it is valid does the old one stop
 * (receivers first, draining as on SIGTERM) and the new one start. An invalid config keeps
 * the old pipelines running and logs every problem. If the new pipelines fail to start (a
 * port taken, say), the previous config is started again. Each attempt is counted
 * (genrf_collector_reloads_total) and logged with the config hash before and after.
 *
 * The daemon's own metrics endpoint and log level stay as they were at start.
 */
export class Reloader {
  readonly #paths: string[];
  readonly #logger: Logger;
  readonly #metrics: SelfMetrics;
  readonly #parts: EngineParts;
  readonly #problems: ProblemLog | undefined;
  #config: CollectorConfig;
  #service: Service;
  /** Reloads and stops run one at a time. */
  #busy: Promise<unknown> = Promise.resolve();
  #precheckAbort: AbortController | undefined;

  constructor(paths: string[], config: CollectorConfig, opts: { logger: Logger; metrics: SelfMetrics; parts: EngineParts; problems?: ProblemLog }) {
    this.#paths = paths;
    this.#logger = opts.logger;
    this.#metrics = opts.metrics;
    this.#parts = opts.parts;
    this.#problems = opts.problems;
    this.#config = config;
    this.#service = this.#serviceFor(config);
  }

  /** A built (not started) service for a config, with the caller's exporter wrapper. */
  #serviceFor(config: CollectorConfig): Service {
    const wrapExporter = this.#parts.exporterWrapper?.(config, this.#logger, this.#metrics);
    return new Service(config, {
      logger: this.#logger,
      metrics: this.#metrics,
      wrapExporter,
      security: this.#parts.inspectSecurity?.(config),
      problems: this.#problems,
      reload: (trigger) => this.reload(trigger),
    });
  }

  get service(): Service {
    return this.#service;
  }

  /** The hash of the running configuration (see configHash). */
  get hash(): string {
    return this.#service.configHash();
  }

  start(): Promise<void> {
    return this.#service.start();
  }

  /** Waits for a reload in progress, then stops the running pipelines. */
  shutdown(): Promise<void> {
    // A precheck in progress is abandoned: a stop must not wait for a hostile file's check.
    this.#precheckAbort?.abort();
    const run = this.#busy.then(() => this.#service.shutdown());
    this.#busy = run;
    return run;
  }

  /** Reloads; resolves with what happened (never rejects for a bad config). */
  reload(trigger: ReloadTrigger = 'sighup'): Promise<ReloadOutcome> {
    const run = this.#busy.then(() => this.#reload(trigger));
    this.#busy = run.catch(() => {});
    return run.then((outcome) => this.#report(outcome));
  }

  #report(o: ReloadOutcome): ReloadOutcome {
    if (o.result === 'stopping') return o;
    this.#metrics.reload(o.trigger, o.result);
    const fields = { trigger: o.trigger, result: o.result, hash_before: o.hashBefore, hash_after: o.hashAfter };
    if (o.result === 'reloaded') this.#logger.info(fields, `reload: done (${o.trigger}), configuration ${o.hashBefore} -> ${o.hashAfter}`);
    else if (o.result === 'unchanged') this.#logger.info(fields, `reload: the configuration is unchanged (${o.hashBefore}); nothing restarted`);
    else this.#logger.error(fields, `reload ${o.result} (${o.trigger}): configuration ${o.hashBefore} keeps running`);
    return o;
  }

  /** Read through a method: the state changes while a precheck is awaited. */
  #stopped(): boolean {
    return this.#service.state === 'stopping' || this.#service.state === 'stopped';
  }

  async #reload(trigger: ReloadTrigger): Promise<ReloadOutcome> {
    const before = this.#service.configHash();
    const outcome = (result: ReloadOutcome['result'], hashAfter = before, errors: string[] = []): ReloadOutcome => ({ trigger, result, hashBefore: before, hashAfter, errors });
    if (this.#service.state === 'stopping' || this.#service.state === 'stopped') return outcome('stopping');
    // A hostile or broken file is refused by the precheck (a worker thread) and costs the
    // running pipelines nothing; only a valid config is loaded beside them.
    let pre: Precheck | undefined;
    if (this.#parts.precheck) {
      this.#precheckAbort = new AbortController();
      pre = await this.#parts.precheck(this.#paths, this.#precheckAbort.signal);
      this.#precheckAbort = undefined;
    }
    if (this.#stopped()) return outcome('stopping');
    const { config, diagnostics, errors } = pre && pre.errors > 0 ? { config: undefined, diagnostics: pre.diagnostics, errors: pre.errors } : await loadAndBuild(this.#paths, this.#parts);
    if (errors > 0 || !config) {
      for (const d of diagnostics) {
        this.#logger[d.severity === 'error' ? 'error' : 'warn']({ code: d.code, path: d.path, file: d.pos?.file, line: d.pos?.line, col: d.pos?.col }, formatDiagnostic(d));
      }
      if (pre && pre.omitted > 0) this.#logger.error({ omitted: pre.omitted }, `reload: ${pre.omitted} more problem(s) not logged; run genrf-collector validate to see them all`);
      this.#logger.error({ errors, trigger }, 'reload refused: the configuration is not valid; the running pipelines stay as they are');
      return outcome(
        'refused',
        before,
        diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)),
      );
    }
    const after = configHash(config);
    if (trigger === 'watch' && after === before) return outcome('unchanged');
    for (const d of diagnostics) this.#logger.warn({ code: d.code, path: d.path, file: d.pos?.file, line: d.pos?.line }, d.message);
    const next = this.#serviceFor(config);
    this.#logger.info({ trigger, hash_before: before, hash_after: after }, 'reload: the new configuration is valid; stopping the running pipelines');
    await this.#service.shutdown();
    try {
      await next.start();
    } catch (err) {
      this.#logger.error({ reason: (err as Error).message }, 'reload: the new pipelines failed to start; starting the previous configuration again');
      this.#service = this.#serviceFor(this.#config);
      await this.#service.start();
      return outcome('failed', before, [(err as Error).message]);
    }
    this.#service = next;
    this.#config = config;
    this.#logger.info({ pipelines: [...config.service.pipelines.keys()] }, 'reload: the new pipelines run');
    return outcome('reloaded', after);
  }
}

import { loadAndBuild } from '../pipeline/load.ts';
import { Reloader } from '../pipeline/reload.ts';
import { engineParts, printDiagnostics } from './engine.ts';
import { createLogger } from '../telemetry/logger.ts';
import { SelfMetrics } from '../telemetry/metrics.ts';
import { MetricsServer } from '../telemetry/server.ts';
import { ProblemLog } from '../telemetry/problems.ts';
import { watchConfig } from './watch.ts';
import { fatalFields } from './fatal.ts';

/**
 * `run`: validate, build, start, and serve until SIGTERM/SIGINT; then stop the receivers
 * and drain everything else within service.shutdown_timeout. A second signal exits at once.
 * SIGHUP reloads the pipeline files (see Reloader); so does a change of them with `watch`.
 */
export async function runCommand(paths: string[], opts: { watch?: boolean } = {}): Promise<number> {
  const parts = engineParts();
  const { config, diagnostics, errors } = await loadAndBuild(paths, parts);
  if (errors > 0 || !config) {
    printDiagnostics(diagnostics);
    process.stderr.write(`${errors} error(s): not starting\n`);
    return 1;
  }
  const problems = new ProblemLog();
  const logger = createLogger(config.service.telemetry.logs.level, process.stderr, problems);
  for (const d of diagnostics) logger.warn({ code: d.code, path: d.path, file: d.pos?.file, line: d.pos?.line }, d.message);

  const metrics = new SelfMetrics();
  const { address, level, tls } = config.service.telemetry.metrics;
  const metricsServer = address && level !== 'none' ? new MetricsServer(metrics, address, { tls, logger }) : undefined;
  const service = new Reloader(paths, config, { logger, metrics, parts, problems });
  let unwatch: (() => void) | undefined;

  let stopping: Promise<void> | undefined;
  let signalled!: () => void;
  const untilSignal = new Promise<void>((resolve) => (signalled = resolve));
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping: receivers first, then draining the pipelines');
    unwatch?.();
    stopping = (async () => {
      await service.shutdown();
      await metricsServer?.shutdown();
    })();
    signalled();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (stopping) return;
    logger.info({ signal: 'SIGHUP' }, 'reloading the pipeline files');
    service.reload('sighup').catch((err: unknown) => logger.error({ err }, 'reload failed'));
  });

  try {
    await metricsServer?.start();
    await service.start();
  } catch (err) {
    logger.fatal(fatalFields(err), `not starting: ${(err as Error).message}`);
    // Whatever started is stopped within shutdown_timeout; then the process exits, even if
    // a component left something running (a worker thread, a timer) that would keep it alive.
    const exit = () => {
      logger.flush?.();
      process.exit(1);
    };
    setTimeout(exit, config.service.shutdownTimeoutMs).unref();
    await Promise.allSettled([service.shutdown(), metricsServer?.shutdown()]);
    exit();
  }
  logger.info({ files: config.files, pipelines: [...config.service.pipelines.keys()], metrics: address || undefined, config_hash: service.hash }, 'pipelines started');
  if (opts.watch && !stopping) {
    unwatch = watchConfig(
      paths,
      () => {
        if (!stopping) service.reload('watch').catch((err: unknown) => logger.error({ err }, 'reload failed'));
      },
      logger,
    );
  }

  // The servers keep the event loop alive until a signal stops them.
  await untilSignal;
  await stopping;
  logger.flush?.();
  return 0;
}

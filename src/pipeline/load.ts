import { loadConfig } from '../config/load.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import type { CollectorConfig, Diagnostic } from '../config/model.ts';
import { createRegistry } from '../builtin-components.ts';
import { buildGraph } from './graph.ts';
import { SelfMetrics } from '../telemetry/metrics.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { analyse } from '../security/analyse.ts';
import { readPolicy } from '../config/security-policy.ts';

export interface Loaded {
  config: CollectorConfig | undefined;
  diagnostics: Diagnostic[];
  errors: number;
}

/**
 * Loads and validates the pipeline files, then builds the whole graph as `run` would
 * (without starting anything), so that a factory's own checks count as validation errors.
 */
export function loadAndBuild(paths: string[]): Loaded {
  const { config, diagnostics } = loadConfig(paths, createRegistry());
  let errors = diagnostics.filter((d) => d.severity === 'error').length;
  const loaded = config !== undefined && errors === 0;
  // service.security: prove that security records reach only their sinks, scrubbed.
  if (loaded && readPolicy(config)?.enforce) {
    const found = analyse(config);
    diagnostics.push(...found);
    errors += found.filter((d) => d.severity === 'error').length;
  }
  if (loaded) {
    try {
      buildGraph(config, { logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: config.service.shutdownTimeoutMs });
    } catch (err) {
      diagnostics.push({ severity: 'error', code: 'CFG_BUILD_FAILED', message: (err as Error).message, path: 'service' });
      errors++;
    }
  }
  return { config: errors === 0 ? config : undefined, diagnostics, errors };
}

export function printDiagnostics(diagnostics: Diagnostic[], out: NodeJS.WritableStream = process.stderr): void {
  for (const d of diagnostics) out.write(`${formatDiagnostic(d)}\n`);
}

import { formatDiagnostic } from '../config/diagnostics.ts';
import type { Diagnostic } from '../config/model.ts';
import { createRegistry } from '../builtin-components.ts';
import type { EngineParts } from '../pipeline/load.ts';
import { checkSecurity } from '../security/analyse.ts';
import { securityGuard } from '../security/guard.ts';
import { inspectSecurity } from '../security/inspect.ts';
import { precheckConfig } from './config-precheck.ts';

/** What `run`, `validate` and `graph` give the engine: the built-in components and service.security. */
export function engineParts(): EngineParts {
  return { registry: createRegistry(), check: checkSecurity, exporterWrapper: securityGuard, inspectSecurity, precheck: precheckConfig };
}

export function printDiagnostics(diagnostics: Diagnostic[], out: NodeJS.WritableStream = process.stderr): void {
  for (const d of diagnostics) out.write(`${formatDiagnostic(d)}\n`);
}

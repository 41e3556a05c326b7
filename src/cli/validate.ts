import { loadAndBuild } from '../pipeline/load.ts';
import { engineParts, printDiagnostics } from './engine.ts';

/** `validate`: every problem at once, with positions; exit 1 on errors, 0 otherwise. */
export async function validateCommand(paths: string[]): Promise<number> {
  const { config, diagnostics, errors } = await loadAndBuild(paths, engineParts());
  printDiagnostics(diagnostics);
  const warnings = diagnostics.length - errors;
  if (errors > 0 || !config) {
    process.stderr.write(`${errors} error(s), ${warnings} warning(s): the configuration is not valid\n`);
    return 1;
  }
  const n = config.service.pipelines.size;
  process.stdout.write(`configuration is valid: ${n} pipeline(s), ${warnings} warning(s)\n`);
  return 0;
}

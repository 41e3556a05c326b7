import { fork } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Precheck } from '../pipeline/load.ts';

// In src/ the checker is a .ts file (Node strips the types); in dist/ it was compiled to .js.
const CHECKER = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './config-precheck-child.ts' : './config-precheck-child.js', import.meta.url));

/** Diagnostics a precheck hands back; a file with thousands of errors must not flood the log. */
export const MAX_PRECHECK_DIAGNOSTICS = 100;
/** Wall time and heap one check may take before the reload is refused. */
export const PRECHECK_TIMEOUT_MS = 60_000;
export const PRECHECK_HEAP_MB = 512;
/** How much lower the check runs than the daemon: enough to yield to it, not so much that a busy machine starves the check. */
export const PRECHECK_NICE = 5;

/**
 * Validates the pipeline files in a child process (see EngineParts.precheck): while a hostile
 * file (an alias bomb, a file at the size limit) is parsed and checked, the receivers and
 * /health keep answering. A process rather than a worker thread: its heap, its collection and
 * its teardown are its own, and it runs at a lower CPU priority (nice +5). Bounded in time and heap;
 * past either the result is one error.
 */
export function precheckConfig(paths: string[], signal?: AbortSignal, timeoutMs = PRECHECK_TIMEOUT_MS): Promise<Precheck> {
  return new Promise((resolve) => {
    const child = fork(CHECKER, paths, {
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')), `--max-old-space-size=${PRECHECK_HEAP_MB}`],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    try {
      if (child.pid !== undefined) setPriority(child.pid, Math.min(19, getPriority() + PRECHECK_NICE));
    } catch {
      // Not permitted: the check still runs, at the daemon's priority.
    }
    let done = false;
    const finish = (result: Precheck) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(result);
    };
    const failed = (why: string): Precheck => ({
      errors: 1,
      omitted: 0,
      diagnostics: [{ severity: 'error', code: 'CFG_FILE_READ', path: '', message: `the pipeline files could not be checked: ${why}` }],
    });
    signal?.addEventListener('abort', () => finish(failed('the daemon is stopping')), { once: true });
    const timer = setTimeout(() => finish(failed(`checking took longer than ${timeoutMs} ms`)), timeoutMs);
    child.once('message', (result) => finish(result as Precheck));
    child.once('error', (err) => finish(failed(err.message)));
    child.once('close', (code, signal) => finish(failed(`the checker stopped (${signal ?? `exit code ${code}`}), out of memory or killed`)));
  });
}

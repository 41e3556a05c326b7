import { watch, type FSWatcher } from 'node:fs';
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';

/** Default wait after the last change before reloading: editors write a file in several steps. */
export const WATCH_DEBOUNCE_MS = 500;

/**
 * `run --watch`: calls `onChange` once the pipeline files stop changing for `debounceMs`.
 * Watches the directory of each file (editors replace a file by renaming a new one over it,
 * which a watch on the file itself would miss) and each directory given, for *.yaml/*.yml.
 */
export function watchConfig(paths: string[], onChange: () => void, logger: Logger, debounceMs = WATCH_DEBOUNCE_MS): () => void {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = (file: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      logger.info({ file }, 'a pipeline file changed: reloading');
      onChange();
    }, debounceMs);
  };
  const byDir = new Map<string, (name: string) => boolean>();
  for (const p of paths) {
    const abs = resolve(p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // A file that does not exist yet: watch its directory for it.
    }
    const dir = isDir ? abs : dirname(abs);
    const wanted = isDir ? (n: string) => /\.ya?ml$/.test(n) : (n: string) => n === basename(abs);
    const prev = byDir.get(dir);
    byDir.set(dir, prev ? (n) => prev(n) || wanted(n) : wanted);
  }
  for (const [dir, wanted] of byDir) {
    try {
      const w = watch(dir, (_event, name) => {
        if (name !== null && wanted(name.toString())) fire(resolve(dir, name.toString()));
      });
      w.on('error', (err) => logger.error({ err, dir }, 'watching the pipeline files failed; --watch is off for this directory'));
      watchers.push(w);
    } catch (err) {
      logger.error({ err, dir }, 'cannot watch the pipeline files; --watch is off for this directory');
    }
  }
  logger.info({ dirs: [...byDir.keys()], debounce_ms: debounceMs }, 'watching the pipeline files');
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

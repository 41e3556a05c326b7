// Talking to the real Prometheus of scripts/services: instant queries, polling a query until
// its result is what a test waits for, and file_sd targets that make it scrape the daemon.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from './services.ts';

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; throws with Prometheus's error when the expression does not evaluate. */
export async function promQuery(url: string, query: string): Promise<PromSeries[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data: { result: PromSeries[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

/** Repeats `query` until `accept` holds for its result, and returns that result. */
export function promUntil(url: string, what: string, query: string, accept: (result: PromSeries[]) => boolean, timeoutMs?: number, intervalMs?: number): Promise<PromSeries[]> {
  return eventually(
    what,
    async () => {
      const r = await promQuery(url, query);
      return accept(r) ? r : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}

/**
 * Makes Prometheus scrape 127.0.0.1:`port` with `labels`, through a file_sd target file
 * `<name>.json` in `targetsDir` (PROMETHEUS_TARGETS_DIR). Returns the file: remove it after.
 */
export async function addScrapeTarget(targetsDir: string, name: string, port: number, labels: Record<string, string>): Promise<string> {
  const file = join(targetsDir, `${name}.json`);
  await writeFile(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels }]));
  return file;
}

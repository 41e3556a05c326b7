import type { Client } from '@elastic/elasticsearch';
import { JSON_HEADERS, clientError } from './client.ts';
import type { IndexRouter } from './index-router.ts';
import { genrfMappings } from './mode-genrf.ts';

const DATA_STREAM_RE = /^(logs|traces|metrics)-[^-]+-[^-]+$/;
// Above Elasticsearch's built-in `logs-*-*` / `traces-*-*` templates (priority 100-150), so
// the guide's mapping wins for the indices this exporter writes.
const PRIORITY = 300;

/**
 * Installs the guide's mapping (`genrf` mode) as one composable index template per index
 * the exporter writes to (a date-suffixed index: one per base name, `<base>-*`), before
 * the first document goes there. PUT _index_template is idempotent: a restart or a second
 * exporter installs the same template again. A data-stream name (`logs-<dataset>-<namespace>`)
 * gets a data stream template.
 */
export class TemplateInstaller {
  readonly #signal: 'logs' | 'traces';
  readonly #router: IndexRouter;
  readonly #done = new Set<string>();
  // Bases seen in this process are few (one static index, or a handful of routed ones);
  // past this bound we stop remembering and install again rather than grow.
  static readonly MAX_REMEMBERED = 1000;

  constructor(signal: 'logs' | 'traces', router: IndexRouter) {
    this.#signal = signal;
    this.#router = router;
  }

  /** Names of the templates installed so far (for tests and logs). */
  get installed(): ReadonlySet<string> {
    return this.#done;
  }

  /** Ensures a template covers each index; throws an ExportError when one cannot be installed. */
  async ensure(client: Client, indices: readonly string[], signal?: AbortSignal): Promise<void> {
    let last = '';
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i];
      if (index === last) continue;
      last = index;
      const base = this.#router.baseOf(index);
      if (this.#done.has(base)) continue;
      await this.install(client, base, signal);
    }
  }

  async install(client: Client, base: string, signal?: AbortSignal): Promise<void> {
    const name = `genrf-collector.${base}`;
    const pattern = this.#router.patternOf(base);
    try {
      await client.indices.putIndexTemplate(
        {
          name,
          index_patterns: [pattern],
          priority: PRIORITY,
          data_stream: DATA_STREAM_RE.test(pattern) ? {} : undefined,
          template: { mappings: genrfMappings(this.#signal) as never },
          _meta: { managed_by: 'genrf-collector', mapping_mode: 'genrf', description: "the genRF observability guide's log mapping" },
        },
        { headers: JSON_HEADERS, signal, maxRetries: 0 },
      );
    } catch (err) {
      throw clientError(err, `installing index template ${name} for ${pattern}`);
    }
    if (this.#done.size >= TemplateInstaller.MAX_REMEMBERED) this.#done.clear();
    this.#done.add(base);
  }
}

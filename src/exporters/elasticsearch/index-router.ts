import type { KeyValue } from '../../pdata/types.ts';
import type { ElasticsearchExporterConfig } from './config.ts';
import { stringAttr } from './values.ts';

// Which index a record goes to, in the contrib exporter's order: with dynamic routing on, a
// record's `elasticsearch.index` attribute (record, then scope, then resource), else its
// `data_stream.dataset` / `data_stream.namespace` as a data stream `<type>-<dataset>-<namespace>`;
// otherwise the static index. With `logstash_format` on, the record's UTC date is appended.

const DATA_STREAM_RE = /^(logs|traces|metrics)-([^-]+)-([^-]+)$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export class IndexRouter {
  readonly #static: string;
  readonly #dynamic: boolean;
  readonly #type: string;
  readonly #dataset: string;
  readonly #namespace: string;
  readonly #dated: boolean;
  readonly #separator: string;
  readonly #format: string;
  readonly #hourly: boolean;
  readonly #suffixLength: number;
  // The date suffix changes once a day (or hour): remember the last one instead of
  // formatting a date per record.
  #slot = -1;
  #suffix = '';

  constructor(config: ElasticsearchExporterConfig, signal: 'logs' | 'traces') {
    this.#static = signal === 'logs' ? config.logs_index : config.traces_index;
    this.#dynamic = (signal === 'logs' ? config.logs_dynamic_index : config.traces_dynamic_index).enabled;
    const ds = DATA_STREAM_RE.exec(this.#static);
    this.#type = ds?.[1] ?? signal;
    this.#dataset = ds?.[2] ?? 'generic';
    this.#namespace = ds?.[3] ?? 'default';
    this.#dated = config.logstash_format.enabled;
    this.#separator = config.logstash_format.prefix_separator;
    this.#format = config.logstash_format.date_format;
    this.#hourly = this.#format.includes('%H');
    this.#suffixLength = formatDate(this.#format, new Date(0)).length;
  }

  /** The index for a record with these attributes and this time (ms since the epoch). */
  route(record: readonly KeyValue[], scope: readonly KeyValue[], resource: readonly KeyValue[], timeMs: number): string {
    let index = this.#static;
    if (this.#dynamic) {
      const explicit = stringAttr(record, 'elasticsearch.index') ?? stringAttr(scope, 'elasticsearch.index') ?? stringAttr(resource, 'elasticsearch.index');
      if (explicit !== undefined && explicit !== '') index = explicit;
      else {
        const dataset = stringAttr(record, 'data_stream.dataset') ?? stringAttr(scope, 'data_stream.dataset') ?? stringAttr(resource, 'data_stream.dataset');
        const namespace = stringAttr(record, 'data_stream.namespace') ?? stringAttr(scope, 'data_stream.namespace') ?? stringAttr(resource, 'data_stream.namespace');
        if (dataset !== undefined || namespace !== undefined) {
          index = `${this.#type}-${sanitize(dataset) || this.#dataset}-${sanitize(namespace) || this.#namespace}`;
        }
      }
    }
    return this.#dated ? index + this.#separator + this.#dateSuffix(timeMs) : index;
  }

  /** True when the index names depend on the records (dynamic routing or dates). */
  get varies(): boolean {
    return this.#dynamic || this.#dated;
  }

  get staticIndex(): string {
    return this.#static;
  }

  /** The index name without its date suffix (for an index template's pattern). */
  baseOf(index: string): string {
    return this.#dated ? index.slice(0, index.length - this.#separator.length - this.#suffixLength) : index;
  }

  /** An index pattern covering every index `route` may give for `base`. */
  patternOf(base: string): string {
    return this.#dated ? `${base}${this.#separator}*` : base;
  }

  #dateSuffix(timeMs: number): string {
    const slot = Math.floor(timeMs / (this.#hourly ? HOUR_MS : DAY_MS));
    if (slot !== this.#slot) {
      this.#slot = slot;
      this.#suffix = formatDate(this.#format, new Date(timeMs));
    }
    return this.#suffix;
  }
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** strftime's `%Y %m %d %H` (UTC), the subset the contrib exporter's default uses. */
export function formatDate(format: string, d: Date): string {
  return format
    .replaceAll('%Y', String(d.getUTCFullYear()))
    .replaceAll('%m', pad(d.getUTCMonth() + 1))
    .replaceAll('%d', pad(d.getUTCDate()))
    .replaceAll('%H', pad(d.getUTCHours()));
}

// Data stream names are lowercase and use '-' as the separator: the dataset and namespace
// may not contain it (as Elasticsearch's own routing does, '-' becomes '_').
const BAD_DS_CHARS = /[\\/*?"<>| ,#:-]/g;

function sanitize(v: string | undefined): string {
  return v === undefined ? '' : v.toLowerCase().replace(BAD_DS_CHARS, '_');
}

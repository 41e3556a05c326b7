import type { Client } from '@elastic/elasticsearch';
import type { CreateSettings } from '../../pipeline/component.ts';
import type { Signal } from '../../pdata/types.ts';
import { ExportError } from '../../net/export-error.ts';
import { BulkJob } from './documents.ts';
import { NDJSON_HEADERS, clientError, isRetryableStatus } from './client.ts';
import type { DeadLetter, DeadLetterFile } from './dead-letter.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

interface BulkItem {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}
interface BulkResponse {
  errors: boolean;
  items?: Array<Record<string, BulkItem>>;
}

// Only what is read from the response: a 10 000-item answer shrinks to the statuses.
const FILTER_PATH = 'errors,items.*.status,items.*.error';
// Error types that say the document does not fit the index's mapping.
const MAPPING_ERROR_RE = /mapping|parsing|illegal_argument/;
// Action lines are cached per index; the routed names are few, but bounded all the same.
const MAX_ACTIONS = 1000;

/** Some documents got 429/5xx while the cluster answered: retryable, but the cluster is reachable. */
export class ItemsRefused extends ExportError {
  constructor(message: string) {
    super(message, { retryable: true });
  }
}

export interface BulkLimits {
  bytes: number;
  documents: number;
}

/**
 * Sends a BulkJob in bulk requests of at most `flush.bytes` / `flush.documents`, and sorts
 * the answer per document: accepted; retryable (429, 5xx: kept in the job for the next
 * attempt); refused for good (other 4xx: dead-lettered and counted). One bad document never
 * fails the others. Throws a retryable ExportError while documents remain to be sent.
 */
export class BulkSender {
  readonly #settings: CreateSettings;
  readonly #signal: Signal;
  readonly #limits: BulkLimits;
  readonly #deadLetter: DeadLetterFile | undefined;
  readonly #component: string;
  readonly #actions = new Map<string, string>();

  constructor(settings: CreateSettings, signal: Signal, limits: BulkLimits, deadLetter: DeadLetterFile | undefined) {
    this.#settings = settings;
    this.#signal = signal;
    this.#limits = limits;
    this.#deadLetter = deadLetter;
    this.#component = `exporter/${settings.id.text}`;
  }

  async send(client: Client, job: BulkJob, deadline: AbortSignal): Promise<void> {
    const total = job.size;
    const retry = new BulkJob();
    let lastRetryReason = '';
    let start = 0;
    while (start < total) {
      const end = this.#chunkEnd(job, start);
      let response: BulkResponse;
      try {
        response = await client.transport.request<BulkResponse>(
          { method: 'POST', path: '/_bulk', querystring: { filter_path: FILTER_PATH }, bulkBody: this.#body(job, start, end) },
          { signal: deadline, maxRetries: 0, headers: NDJSON_HEADERS },
        );
      } catch (err) {
        // This chunk and the ones after it were not taken (or we cannot know): keep them,
        // after the earlier chunks' retryable documents.
        for (let i = start; i < total; i++) retry.add(job.indices[i], job.sources[i]);
        replace(job, retry);
        throw clientError(err, `bulk request of ${end - start} documents`);
      }
      if (response.errors) lastRetryReason = (await this.#sortItems(job, start, end, response, retry)) || lastRetryReason;
      start = end;
    }
    if (retry.size > 0) {
      replace(job, retry);
      throw new ItemsRefused(`Elasticsearch refused ${retry.size} of ${total} documents for now (${lastRetryReason}); retrying only those`);
    }
  }

  /** The end (exclusive) of the chunk starting at `start`: within both flush limits, at least one document. */
  #chunkEnd(job: BulkJob, start: number): number {
    const { bytes, documents } = this.#limits;
    let size = 0;
    let i = start;
    const max = Math.min(job.size, start + documents);
    while (i < max) {
      const next = job.indices[i].length + job.sources[i].length + 26;
      if (i > start && size + next > bytes) break;
      size += next;
      i++;
    }
    return i;
  }

  #body(job: BulkJob, start: number, end: number): string {
    let body = '';
    for (let i = start; i < end; i++) body += this.#action(job.indices[i]) + job.sources[i] + '\n';
    return body;
  }

  #action(index: string): string {
    let line = this.#actions.get(index);
    if (line === undefined) {
      if (this.#actions.size >= MAX_ACTIONS) this.#actions.clear();
      // `create`: the only op data streams take, and for plain indices with generated ids it
      // is the same as `index`.
      line = `{"create":{"_index":${JSON.stringify(index)}}}\n`;
      this.#actions.set(index, line);
    }
    return line;
  }

  /** Sorts one response's items; returns a sample retry reason ('' when none). */
  async #sortItems(job: BulkJob, start: number, end: number, response: BulkResponse, retry: BulkJob): Promise<string> {
    const items = response.items ?? [];
    const letters: DeadLetter[] = [];
    let retryReason = '';
    let mapping = 0;
    for (let i = start; i < end; i++) {
      const entry = items[i - start];
      const item = entry === undefined ? undefined : (entry.create ?? entry[Object.keys(entry)[0]]);
      if (item === undefined) {
        // Elasticsearch answered fewer items than we sent: we cannot know, so send again.
        retry.add(job.indices[i], job.sources[i]);
        continue;
      }
      if (item.status < 300) continue;
      const type = item.error?.type ?? `http_${item.status}`;
      let reason = item.error?.reason ?? '';
      if (item.error?.caused_by?.reason) reason += `: ${item.error.caused_by.reason}`;
      if (isRetryableStatus(item.status)) {
        retry.add(job.indices[i], job.sources[i]);
        retryReason = `${item.status} ${type}`;
        continue;
      }
      if (MAPPING_ERROR_RE.test(type)) mapping++;
      letters.push({ index: job.indices[i], status: item.status, type, reason, source: job.sources[i] });
    }
    if (letters.length > 0) await this.#deadLetterAll(letters, mapping);
    return retryReason;
  }

  async #deadLetterAll(letters: DeadLetter[], mapping: number): Promise<void> {
    const metrics = this.#settings.metrics;
    if (mapping > 0) metrics.dropped(this.#component, this.#signal, Reason.mapping_error, mapping);
    if (letters.length > mapping) metrics.dropped(this.#component, this.#signal, Reason.document_rejected, letters.length - mapping);
    const first = letters[0];
    const id = this.#settings.id.text;
    let where = 'set dead_letter.path to keep them';
    if (this.#deadLetter !== undefined) {
      try {
        await this.#deadLetter.write(letters);
        where = `written to ${this.#deadLetter.path}`;
      } catch (err) {
        where = `NOT written to ${this.#deadLetter.path}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    this.#settings.logger.warn(
      { exporter: id, signal: this.#signal, items: letters.length, index: first.index, status: first.status, type: first.type, reason: first.reason },
      `exporter ${id}: Elasticsearch refused ${letters.length} documents for good (first: ${first.status} ${first.type} in ${first.index}: ${first.reason}); ${where}`,
    );
  }
}

function replace(job: BulkJob, remaining: BulkJob): void {
  job.indices = remaining.indices;
  job.sources = remaining.sources;
  job.bytes = remaining.bytes;
}

import type { LogsData, TracesData } from '../../pdata/types.ts';
import type { IndexRouter } from './index-router.ts';
import { withContext, type Mode } from './mode.ts';
import { logTime } from './values.ts';

/**
 * Documents waiting for one bulk request: parallel arrays of target index and source JSON.
 * A retry after a partial failure replaces them with the documents still to send, so that
 * the ones Elasticsearch took are never sent twice.
 */
export class BulkJob {
  indices: string[] = [];
  sources: string[] = [];
  /** NDJSON bytes (approximately: string length) of the actions and sources. */
  bytes = 0;

  get size(): number {
    return this.sources.length;
  }

  add(index: string, source: string): void {
    this.indices.push(index);
    this.sources.push(source);
    // `{"create":{"_index":"…"}}\n` + source + `\n`
    this.bytes += index.length + source.length + 26;
  }

  /** Appends another job's documents. */
  absorb(other: BulkJob): void {
    for (let i = 0; i < other.sources.length; i++) {
      this.indices.push(other.indices[i]);
      this.sources.push(other.sources[i]);
    }
    this.bytes += other.bytes;
  }
}

/** Turns log records or spans into documents in the configured mode and routes each one. */
export class DocumentEncoder {
  readonly #mode: Mode;
  readonly #router: IndexRouter;

  constructor(mode: Mode, router: IndexRouter) {
    this.#mode = mode;
    this.#router = router;
  }

  logs(data: LogsData, into: BulkJob): void {
    const mode = this.#mode;
    const router = this.#router;
    for (const rl of data.resourceLogs) {
      for (const sl of rl.scopeLogs) {
        const ctx = mode.context(rl.resource, sl.scope);
        for (const r of sl.logRecords) {
          const ms = Number(logTime(r.timeUnixNano, r.observedTimeUnixNano) / 1_000_000n);
          const index = router.route(r.attributes, sl.scope.attributes, rl.resource.attributes, ms);
          into.add(index, withContext(mode.log(r, sl.scope, ctx), ctx));
        }
      }
    }
  }

  traces(data: TracesData, into: BulkJob): void {
    const mode = this.#mode;
    const router = this.#router;
    for (const rs of data.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        const ctx = mode.context(rs.resource, ss.scope);
        for (const s of ss.spans) {
          const index = router.route(s.attributes, ss.scope.attributes, rs.resource.attributes, Number(s.startTimeUnixNano / 1_000_000n));
          into.add(index, withContext(mode.span(s, ss.scope, ctx), ctx));
        }
      }
    }
  }
}

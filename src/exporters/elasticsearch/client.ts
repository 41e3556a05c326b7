import type { Client } from '@elastic/elasticsearch';
import { loadTls } from '../../net/client-config.ts';
import { ExportError, parseRetryAfter, toExportError } from '../../net/export-error.ts';
import type { ElasticsearchExporterConfig } from './config.ts';

// Plain media types instead of the client's `compatible-with=9` vendor types: Elasticsearch
// 8 refuses a 9 compatibility header, and the bulk and template APIs we call are the same in
// 8 and 9, so one exporter works with both (see docs/decisions.md).
export const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };
export const NDJSON_HEADERS = { accept: 'application/json', 'content-type': 'application/x-ndjson' };

// The official client is imported when the first exporter starts: it costs ~20 MiB of
// resident memory that a daemon without this exporter should not pay (issue 15).
type EsLib = typeof import('@elastic/elasticsearch');
let lib: EsLib | undefined;

/** The official client, built when the exporter starts (it reads the TLS files). */
export async function createClient(config: ElasticsearchExporterConfig, who: string): Promise<Client> {
  const tls = config.tls;
  const https = config.endpoints.some((e) => e.startsWith('https:'));
  const pem = https ? await loadTls(tls, who) : undefined;
  lib ??= await import('@elastic/elasticsearch');
  return new lib.Client({
    nodes: config.endpoints,
    auth: config.api_key !== undefined ? { apiKey: config.api_key } : config.user !== undefined ? { username: config.user, password: config.password ?? '' } : undefined,
    tls: pem === undefined ? undefined : { ca: pem.ca, cert: pem.cert, key: pem.key, rejectUnauthorized: !tls.insecure_skip_verify },
    compression: config.compression === 'gzip',
    headers: config.headers,
    // The exporter helper retries with backoff; the client's own immediate retries would
    // multiply the load on a cluster that is already refusing.
    maxRetries: 0,
    requestTimeout: config.timeout > 0 ? config.timeout : undefined,
    name: 'genrf-collector',
  });
}

// Whole-request statuses worth another try: throttling and server-side trouble.
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A client error as an ExportError: what to retry, and a message that says what to do. */
export function clientError(err: unknown, what: string): ExportError {
  if (err instanceof ExportError) return err;
  // Before the library is loaded no client error can exist.
  const errors = lib?.errors;
  if (errors === undefined) {
    const e = toExportError(err);
    return new ExportError(`${what}: ${e.message}`, { retryable: e.retryable, cause: err });
  }
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const body = err.body as { error?: { type?: string; reason?: string } } | undefined;
    const detail = body?.error?.reason ?? body?.error?.type ?? err.message;
    let hint = '';
    if (status === 401 || status === 403) hint = " (check user/password or api_key and the role's index privileges)";
    else if (status === 413) hint = ' (the request is larger than http.max_content_length: lower flush.bytes)';
    const message = `${what}: HTTP ${status}: ${detail}${hint}`;
    if (isRetryableStatus(status)) {
      const retryAfter = err.headers?.['retry-after'];
      return ExportError.retryable(message, parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined), err);
    }
    return ExportError.permanent(message, err);
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError || err instanceof errors.RequestAbortedError) {
    return ExportError.retryable(`${what}: ${err.message || err.name}`, undefined, err);
  }
  if (err instanceof errors.ProductNotSupportedError) {
    return ExportError.permanent(`${what}: the server is not Elasticsearch: ${err.message}`, err);
  }
  const e = toExportError(err);
  return new ExportError(`${what}: ${e.message}`, { retryable: e.retryable, cause: err });
}

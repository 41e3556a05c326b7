// The part of an OTLP export shared by HTTP and gRPC: bytes -> Batch -> pipeline -> outcome.
// Transports only map the outcome to their status codes, so both answer alike.
import { Batch } from '../../pdata/batch.ts';
import { countProtoItems } from '../../pdata/ops.ts';
import { decodeJson } from '../../pdata/json/index.ts';
import { checkJsonItems } from '../../pdata/json/count.ts';
import type { PartialSuccess, Resource, Signal } from '../../pdata/types.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import { type DecodeError, TooManyItemsError } from '../../pdata/errors.ts';
import type { ReceiverMetrics } from '../../telemetry/metrics.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

export type Encoding = 'proto' | 'json';

/** Retryable reasons that mean "too much load, slow down" (HTTP 429 / RESOURCE_EXHAUSTED). */
const BUSY_REASONS: ReadonlySet<Reason> = new Set([Reason.queue_full, Reason.memory_limit, Reason.batch_full, Reason.storage_full]);

/** Retry hint when downstream gave none. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

export type ExportOutcome =
  /** Taken; `partial` when downstream refused some records for good. */
  | { kind: 'ok'; partial: PartialSuccess | undefined }
  /** Refused for now because of load; the client should retry after `retryAfterMs`. */
  | { kind: 'busy'; message: string; retryAfterMs: number }
  /** Refused for now for another reason (an exporter is down ...). */
  | { kind: 'unavailable'; message: string; retryAfterMs: number }
  /**
   * Refused for good because the request is bigger than what some part of the pipeline can
   * ever hold (`request_too_large`): HTTP 413 / INVALID_ARGUMENT, without a retry hint, so the
   * client does not retry the same request forever.
   */
  | { kind: 'too_large'; message: string };

/**
 * Builds the batch of a request body. Protobuf is only scanned (validated and counted), so a
 * pipeline that never looks inside forwards the bytes without decoding. Throws DecodeError,
 * and TooManyItemsError (one) once more than `maxItems` items are seen: the scan stops there,
 * and a JSON body is counted before JSON.parse builds anything.
 */
export function decodeRequest(signal: Signal, encoding: Encoding, body: Uint8Array, maxItems = Number.POSITIVE_INFINITY): Batch {
  if (encoding === 'proto') return Batch.fromProto(signal, body, countProtoItems(signal, body, maxItems));
  // A large JSON body is counted before it is parsed (7 million `{}` records are 20 MiB, and
  // ~700 MiB once parsed); a small one costs little to parse and is counted after.
  const large = body.length > JSON_PRECOUNT_BYTES;
  if (large && maxItems !== Number.POSITIVE_INFINITY) checkJsonItems(signal, body, maxItems);
  const batch = Batch.of(signal, decodeJson(signal, body));
  if (!large && batch.items > maxItems) throw new TooManyItemsError(`${batch.items} items in one request, more than ${maxItems} (max_items_per_request)`, maxItems);
  return batch;
}

/**
 * JSON bodies above this are counted before JSON.parse. Below it the parse costs at most
 * ~35 MiB for a body of nothing but empty objects, and the pass over the bytes (a third of the
 * parse's time) is saved for the usual requests.
 */
const JSON_PRECOUNT_BYTES = 1024 * 1024;

/** Hands a batch to the pipeline and says what to answer. Never throws. */
export async function exportBatch(consumer: Consumer, batch: Batch, metrics: ReceiverMetrics): Promise<ExportOutcome> {
  const signal = batch.signal;
  const items = batch.items;
  // As otelcol does: an empty request is answered at once and not pushed through the pipeline.
  if (items === 0) return { kind: 'ok', partial: undefined };
  try {
    await consumer.consume(batch);
    metrics.accepted(signal, items);
    return { kind: 'ok', partial: undefined };
  } catch (e) {
    const err = ConsumerError.from(e);
    if (err.retryable) {
      metrics.refused(signal, items);
      const retryAfterMs = err.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      const kind = BUSY_REASONS.has(err.reason) ? 'busy' : 'unavailable';
      return { kind, message: `${err.message} (${err.reason}); retry later`, retryAfterMs };
    }
    if (err.reason === Reason.request_too_large) {
      // Refused for good and counted nowhere downstream (the batch processor only refuses it).
      metrics.rejected(signal, Reason.request_too_large, items);
      return { kind: 'too_large', message: err.message };
    }
    // Permanent: the data will never be taken, so a retry would not help. OTLP says to
    // answer success with partial_success so that the client does not retry.
    const rejected = Math.min(items, err.rejected ?? items);
    metrics.refused(signal, rejected);
    if (rejected < items) metrics.accepted(signal, items - rejected);
    return { kind: 'ok', partial: { rejected, errorMessage: err.message } };
  }
}

/**
 * Counts a request refused for good before it reached the pipeline, with its reason: over
 * `max_items_per_request` counts the limit + 1 items (the scan stops at the first item beyond
 * the limit, so that many are known); a malformed request counts 1 (the scan stops at the
 * first bad field: how many items the rest holds is not known).
 */
export function countRejected(metrics: ReceiverMetrics, signal: Signal, e: DecodeError): void {
  if (e instanceof TooManyItemsError) metrics.rejected(signal, Reason.request_too_large, e.limit + 1);
  else metrics.rejected(signal, Reason.malformed, 1);
}

/** Whole seconds for Retry-After, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The resource attribute that include_metadata sets. */
export const SUBJECT_ATTRIBUTE = 'auth.subject';

/**
 * include_metadata: every resource of the batch gets `auth.subject` = the authenticated
 * subject, replacing any value the client sent, so that a client cannot claim another's.
 */
export function stampSubject(batch: Batch, subject: string): void {
  const value = { stringValue: subject };
  // Only the resource messages change: a protobuf batch stays bytes (Batch.changeResources).
  batch.changeResources((r: Resource) => {
    const attrs = r.attributes;
    let found = false;
    for (let i = attrs.length - 1; i >= 0; i--) {
      if (attrs[i].key !== SUBJECT_ATTRIBUTE) continue;
      if (found) attrs.splice(i, 1);
      else {
        attrs[i] = { key: SUBJECT_ATTRIBUTE, value };
        found = true;
      }
    }
    if (!found) attrs.push({ key: SUBJECT_ATTRIBUTE, value });
  });
}

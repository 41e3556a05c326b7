// Every reason data can be dropped or refused for, in one table: the `reason` label of
// genrf_collector_dropped_items_total and the reason a ConsumerError carries (which the
// receivers turn into 429 / 503 / RESOURCE_EXHAUSTED / UNAVAILABLE). Code names a reason as
// `Reason.queue_full`, never as a string of its own, so that a typo does not compile and a
// new reason cannot go undocumented: the README's table is generated from this one (`npm run
// readme`), and test/unit/telemetry/drop-reasons.test.ts fails on a reason written as a free
// string anywhere in src/. This module imports nothing, so the engine and every component may
// import it.

/**
 * `drop`: the items are gone for good and counted. `refusal`: the sender is told to retry
 * later (nothing is lost here). `both`: a refusal that becomes a drop where nobody can retry.
 */
export type ReasonKind = 'drop' | 'refusal' | 'both';

interface ReasonInfo {
  readonly kind: ReasonKind;
  /** One line for the README: who counts it and when. */
  readonly doc: string;
}

const TABLE = {
  // Refusals: backpressure, the client retries.
  queue_full: { kind: 'refusal', doc: "An exporter's sending queue is full (HTTP 429 / RESOURCE_EXHAUSTED)." },
  memory_limit: { kind: 'refusal', doc: 'memory_limiter: live memory is above the soft limit after a forced collection (429 / RESOURCE_EXHAUSTED; `/health`: `refusing: …`).' },
  batch_full: { kind: 'refusal', doc: 'batch: `max_pending_items` are already held (429 / RESOURCE_EXHAUSTED).' },
  storage_full: { kind: 'refusal', doc: 'A persistent queue reached `max_size_mib` or the disk is full (429 / RESOURCE_EXHAUSTED).' },
  storage_error: { kind: 'refusal', doc: 'A persistent queue could not write to disk (503 / UNAVAILABLE).' },
  shutting_down: { kind: 'refusal', doc: 'The component is stopping (503 / UNAVAILABLE).' },
  request_too_large: {
    kind: 'both',
    doc: "A request over a size or item limit, or bigger than a batch processor can ever hold (`max_pending_items`): refused for good, never 429 (413 / INVALID_ARGUMENT without retry info; kafka: dead-lettered). Counted by the otlp receiver as `receiver/<id>`: `max_items_per_request` + 1 items for the item limit (what the scan saw before it stopped), 1 per request over `max_request_body_size`, the request's items when a batch processor refuses it.",
  },
  // Given up on by the retry loop (exporters, the batch processor's outbox).
  permanent_error: { kind: 'both', doc: 'The destination refused the data for good (e.g. HTTP 400); not retried.' },
  retries_exhausted: { kind: 'drop', doc: 'Retries went on longer than `retry_on_failure.max_elapsed_time`.' },
  retry_disabled: { kind: 'drop', doc: 'A send failed and `retry_on_failure.enabled` is false.' },
  shutdown_timeout: { kind: 'drop', doc: 'Still held in memory when the shutdown deadline passed.' },
  malformed: {
    kind: 'both',
    doc: 'A request that cannot be decoded: refused by the otlp receiver (400 / INVALID_ARGUMENT; counted 1 per request as `receiver/<id>`: the scan stops at the first bad field, so its items are unknown), or merged into a batch that reached an exporter (dead-lettered where one is configured).',
  },
  internal_error: { kind: 'both', doc: 'A component threw an unexpected error; the batch is refused for good.' },
  // Exporters.
  write_failed: { kind: 'drop', doc: 'file: a write failed for good.' },
  encode_error: { kind: 'both', doc: 'elasticsearch: a batch could not be turned into documents.' },
  mapping_error: { kind: 'drop', doc: 'elasticsearch: documents refused by the index mapping.' },
  document_rejected: { kind: 'drop', doc: 'elasticsearch: documents refused for another reason than the mapping.' },
  partial_success: { kind: 'drop', doc: 'The destination answered OTLP partial success and refused some records.' },
  storage_corrupt: { kind: 'drop', doc: 'A persistent queue could not read a stored batch back (corrupt on disk); it is skipped.' },
  // Receivers.
  undecodable: { kind: 'drop', doc: 'kafka receiver: a message that cannot be decoded or is over a limit, with no `dead_letter_topic` (1 per message).' },
  dead_letter: { kind: 'drop', doc: 'kafka receiver: a message that cannot be decoded or is over `max_message_bytes` / `max_items_per_message`, written to the dead-letter topic (1 per message).' },
  dead_letter_failed: { kind: 'drop', doc: 'kafka receiver: writing a message to the dead-letter topic failed for good.' },
  // Processors and connectors.
  filtered: { kind: 'drop', doc: 'filter: records its conditions drop (on purpose).' },
  redaction_drop_record: { kind: 'drop', doc: 'redaction: records a `drop_record` detector removed.' },
  redaction_failed: { kind: 'both', doc: 'redaction: a batch could not be scrubbed, so it is not passed on.' },
  no_route: { kind: 'drop', doc: 'routing: records no route takes, with no `default_pipelines`.' },
  security_guard: { kind: 'drop', doc: 'service.security: security records that reached an exporter not in `sinks` (stopped there).' },
  series_limit: { kind: 'drop', doc: 'prometheus exporter / spanmetrics: beyond the series limit.' },
  // The prometheus exporter: points left out of the scrape.
  type_conflict: { kind: 'drop', doc: 'prometheus: a name already used by a metric of another type.' },
  unit_conflict: { kind: 'drop', doc: 'prometheus: a name already used with another unit.' },
  non_finite_value: { kind: 'drop', doc: 'prometheus: NaN or infinity where a counter or sum needs a number.' },
  invalid_value: { kind: 'drop', doc: 'prometheus: a point without a value, or a quantile outside 0..1.' },
  counter_decreased: { kind: 'drop', doc: 'prometheus: a cumulative counter went down without a new start time.' },
  out_of_order: { kind: 'drop', doc: 'prometheus: a point older than the last one of its series.' },
  histogram_invalid: { kind: 'drop', doc: 'prometheus: bucket counts that do not add up or bounds out of order.' },
  unspecified_temporality: { kind: 'drop', doc: 'prometheus: a sum or histogram whose aggregation temporality is unspecified.' },
} as const satisfies Record<string, ReasonInfo>;

/** A reason's name, as the metric label and the ConsumerError carry it. */
export type Reason = keyof typeof TABLE;

/** The reasons by name: `Reason.queue_full === 'queue_full'`. */
export const Reason: { readonly [K in Reason]: K } = Object.freeze(Object.fromEntries(Object.keys(TABLE).map((k) => [k, k])) as { [K in Reason]: K });

/** Every reason, in table order, with its kind and doc line. */
export const REASONS: ReadonlyArray<{ readonly name: Reason } & ReasonInfo> = Object.entries(TABLE).map(([name, info]) => ({ name: name as Reason, ...info }));

/** A reason's position in REASONS (for handle arrays indexed by reason). */
export const REASON_INDEX: { readonly [K in Reason]: number } = Object.freeze(Object.fromEntries(REASONS.map((r, i) => [r.name, i])) as { [K in Reason]: number });

/** The README's table of reasons (generated into README.md by `npm run readme`). */
export function reasonsMarkdown(): string {
  const rows = REASONS.map((r) => `| \`${r.name}\` | ${r.kind} | ${r.doc} |`);
  return ['| reason | kind | when |', '| --- | --- | --- |', ...rows].join('\n');
}

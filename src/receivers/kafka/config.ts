import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';
import { kafkaClientFields } from '../../kafka/client-config.ts';
import { ENCODINGS, LOG_ONLY_ENCODINGS } from '../../kafka/encoding.ts';

// Keys follow the OpenTelemetry Collector contrib's kafka receiver where it has one
// (brokers, group_id, client_id, initial_offset, per-signal topic + encoding, autocommit,
// header_extraction, session_timeout, heartbeat_interval, error_backoff); the dead-letter
// topic and the buffer limits are ours.

const MIB = 1024 * 1024;

const signalSchema = (topic: string) =>
  z
    .strictObject({
      /** The topic to consume. */
      topic: z.string().min(1).default(topic),
      /** otlp_proto (default), otlp_json; for logs also json (structlog objects) and raw (the body). */
      encoding: z.enum(ENCODINGS).default('otlp_proto'),
    })
    .prefault({});

export const kafkaReceiverConfig = z
  .strictObject({
    ...kafkaClientFields(),
    /** Default genrf-collector: daemons with the same group split the partitions between them. */
    group_id: z.string().min(1).default('genrf-collector'),
    /** Default latest: where a group with no committed offset starts (latest or earliest). */
    initial_offset: z.enum(['latest', 'earliest']).default('latest'),
    traces: signalSchema('otlp_spans'),
    metrics: signalSchema('otlp_metrics'),
    logs: signalSchema('otlp_logs'),
    /**
     * Absent (default): topics are not created here; a missing topic is waited for (the first
     * producer, with the broker's auto-creation, or an operator creates it). Present: the
     * missing topics, and the dead-letter topics, are created at start. Each key absent = the
     * broker's default (num.partitions, default.replication.factor).
     */
    create_topics: z
      .strictObject({
        partitions: z.number().int().positive().optional(),
        replication_factor: z.number().int().positive().optional(),
      })
      .optional(),
    /** Default 10s: a member silent this long is dropped from the group and its partitions move. */
    session_timeout: duration('10s'),
    /** Default 3s: must be below session_timeout. */
    heartbeat_interval: duration('3s'),
    autocommit: z
      .strictObject({
        /** Default 1s: how often offsets of messages every pipeline accepted are committed. */
        interval: duration('1s'),
      })
      .prefault({}),
    /**
     * Where undecodable and oversized messages go, with the error in their headers.
     * Default: `<topic>.dlq` for each topic. `""` = none (such messages are only counted).
     */
    dead_letter_topic: z.string().optional(),
    /** Default 10485760 (10 MiB): larger messages go to the dead-letter topic undecoded. */
    max_message_bytes: z
      .number()
      .int()
      .positive()
      .default(10 * MIB),
    /**
     * Default 65536, as the otlp receiver's max_items_per_request: spans, data points or log
     * records in one OTLP message at most; a message over it goes to the dead-letter topic.
     */
    max_items_per_message: z.number().int().positive().default(65_536),
    header_extraction: z
      .strictObject({
        /** Default false. True: the listed headers become resource attributes `kafka.header.<name>`. */
        extract_headers: z.boolean().default(false),
        headers: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** Waits between retries of a message that downstream refused with a retryable status. */
    error_backoff: z
      .strictObject({
        /** Default 100ms. */
        initial_interval: duration('100ms'),
        /** Default 5s. */
        max_interval: duration('5s'),
        /** Default 2. */
        multiplier: z.number().min(1).default(2),
        /** Default 0.2: each wait is drawn from interval × [1 − f, 1 + f]. */
        randomization_factor: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
    /** Default 2000: messages fetched but not yet accepted, all partitions; above it fetching pauses. */
    max_buffered_messages: z.number().int().positive().default(2000),
    /** Default 67108864 (64 MiB): the same limit in bytes. */
    max_buffered_bytes: z
      .number()
      .int()
      .positive()
      .default(64 * MIB),
    /** Default 500: the same limit for one partition (a refused partition stops the fetch loop). */
    max_partition_buffered_messages: z.number().int().positive().default(500),
    /** Default 16777216 (16 MiB): most bytes one fetch returns. */
    max_fetch_size: z
      .number()
      .int()
      .positive()
      .default(16 * MIB),
    /** Default 1048576 (1 MiB): most bytes one fetch returns per partition. */
    default_fetch_size: z.number().int().positive().default(MIB),
    /** Default 250ms: how long the broker may wait for data before answering a fetch. */
    max_fetch_wait: duration('250ms'),
  })
  .superRefine((cfg, ctx) => {
    for (const s of ['traces', 'metrics'] as const) {
      if (LOG_ONLY_ENCODINGS.has(cfg[s].encoding)) {
        ctx.addIssue({ code: 'custom', path: [s, 'encoding'], message: `encoding ${cfg[s].encoding} is for logs only; use otlp_proto or otlp_json` });
      }
    }
    if (cfg.heartbeat_interval >= cfg.session_timeout) {
      ctx.addIssue({ code: 'custom', path: ['heartbeat_interval'], message: 'heartbeat_interval must be below session_timeout' });
    }
    const topics = [cfg.traces.topic, cfg.metrics.topic, cfg.logs.topic];
    if (new Set(topics).size !== 3) {
      ctx.addIssue({ code: 'custom', path: [], message: `each signal needs its own topic: ${topics.join(', ')}` });
    }
  });

export type KafkaReceiverConfig = z.output<typeof kafkaReceiverConfig>;

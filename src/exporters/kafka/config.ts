import { z } from 'zod';
import { exporterHelperFields } from '../helper/config.ts';
import { kafkaClientFields } from '../../kafka/client-config.ts';
import { ENCODINGS, LOG_ONLY_ENCODINGS } from '../../kafka/encoding.ts';

// Keys follow the OpenTelemetry Collector contrib's kafka exporter: brokers, client_id,
// per-signal `topic` + `encoding`, and a `producer` block.

const signalSchema = (topic: string) =>
  z
    .strictObject({
      /** The topic the signal is written to. */
      topic: z.string().min(1).default(topic),
      /** otlp_proto (default), otlp_json; for logs also json (structlog objects) and raw (the body). */
      encoding: z.enum(ENCODINGS).default('otlp_proto'),
    })
    .prefault({});

export const kafkaExporterConfig = z
  .strictObject({
    ...kafkaClientFields(),
    traces: signalSchema('otlp_spans'),
    metrics: signalSchema('otlp_metrics'),
    logs: signalSchema('otlp_logs'),
    producer: z
      .strictObject({
        /** Default none. gzip, snappy, lz4 and zstd are built into the client. */
        compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
        /** Default all (-1): the leader waits for every in-sync replica. 1 = leader only, 0 = no answer. */
        required_acks: z.union([z.literal('all'), z.literal(-1), z.literal(0), z.literal(1)]).default('all'),
        /** Default true: the broker drops duplicates of retried sends (needs required_acks all). */
        idempotent: z.boolean().default(true),
        /** Default 1000000 (the broker's default limit): larger groups are split before sending. */
        max_message_bytes: z.number().int().positive().default(1_000_000),
      })
      .prefault({}),
    ...exporterHelperFields(),
  })
  .superRefine((cfg, ctx) => {
    for (const s of ['traces', 'metrics'] as const) {
      if (LOG_ONLY_ENCODINGS.has(cfg[s].encoding)) {
        ctx.addIssue({ code: 'custom', path: [s, 'encoding'], message: `encoding ${cfg[s].encoding} is for logs only; use otlp_proto or otlp_json` });
      }
    }
    const acks = cfg.producer.required_acks;
    if (cfg.producer.idempotent && acks !== 'all' && acks !== -1) {
      ctx.addIssue({ code: 'custom', path: ['producer', 'idempotent'], message: 'an idempotent producer needs required_acks: all; set idempotent: false to use fewer acks' });
    }
  });

export type KafkaExporterConfig = z.output<typeof kafkaExporterConfig>;

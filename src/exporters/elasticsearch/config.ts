import { z } from 'zod';
import { duration } from '../../config/schema-helpers.ts';
import { compressionSchema, headersSchema, tlsSchema } from '../../net/client-config.ts';
import { retryOnFailureSchema, storageRef } from '../helper/config.ts';

// Keys follow the OpenTelemetry Collector contrib's elasticsearch exporter where it has one
// (endpoints, logs_index, traces_index, *_dynamic_index, logstash_format, mapping.mode,
// flush.bytes, flush.interval, user, password, api_key), so an otelcol block reads the same.

const url = z.string().regex(/^https?:\/\/[^\s/]+/, 'each endpoint must be an http:// or https:// URL, e.g. http://127.0.0.1:9200');
const indexName = z
  .string()
  .min(1)
  .regex(/^[^A-Z\\/*?"<>| ,#:]+$/, 'an Elasticsearch index name is lowercase, without spaces or any of \\ / * ? " < > | , # :')
  .refine((s) => !/^[-_+.]/.test(s), 'an Elasticsearch index name cannot start with -, _, + or .');

const dynamicIndex = z
  .strictObject({
    /** Default false. True: a record's `elasticsearch.index` attribute, or its `data_stream.dataset` / `data_stream.namespace` attributes, choose the index. */
    enabled: z.boolean().default(false),
  })
  .prefault({});

export const elasticsearchExporterConfig = z
  .strictObject({
    /** Required: the cluster's HTTP endpoints, tried in turn. */
    endpoints: z.array(url).min(1, 'give at least one endpoint, e.g. [http://127.0.0.1:9200]'),
    /** Default `logs-generic-default`: the index or data stream for log records. */
    logs_index: indexName.default('logs-generic-default'),
    logs_dynamic_index: dynamicIndex,
    /** Default `traces-generic-default`: the index or data stream for spans. */
    traces_index: indexName.default('traces-generic-default'),
    traces_dynamic_index: dynamicIndex,
    /** Date-suffixed indices: `<index><prefix_separator><date>` from each record's timestamp (UTC). */
    logstash_format: z
      .strictObject({
        /** Default false. */
        enabled: z.boolean().default(false),
        /** Default `-`. */
        prefix_separator: z.string().default('-'),
        /** Default `%Y.%m.%d`: `%Y`, `%m`, `%d`, `%H` are replaced. */
        date_format: z.string().default('%Y.%m.%d'),
      })
      .prefault({}),
    mapping: z
      .strictObject({
        /** Default `otel`. `genrf`: the observability guide's fields; `otel`: OpenTelemetry-native; `ecs`: ECS names; `raw`: OTLP names, attributes at the top level. */
        mode: z.enum(['otel', 'ecs', 'genrf', 'raw']).default('otel'),
        /** Default true. In `genrf` mode: install the guide's mapping as a composable index template covering every index written to. */
        install_template: z.boolean().default(true),
      })
      .prefault({}),
    /** When a bulk request is sent: whichever limit is reached first. */
    flush: z
      .strictObject({
        /** Default 5000000: bytes of NDJSON in one bulk request. */
        bytes: z.number().int().min(1024).default(5_000_000),
        /** Default 10000: documents in one bulk request. */
        documents: z.number().int().min(1).default(10_000),
        /** Default 1s: the longest a document waits for a fuller request. 0 = send every batch as it comes. */
        interval: duration('1s'),
      })
      .prefault({}),
    /** Basic auth user (with `password`). */
    user: z.string().optional(),
    /** Basic auth password. */
    password: z.string().optional(),
    /** API key (the base64 `id:key` that Elasticsearch returns as `encoded`). */
    api_key: z.string().optional(),
    /** Default {}: extra request headers. */
    headers: headersSchema(),
    /** Default gzip: request body compression. */
    compression: compressionSchema(),
    /** For https:// endpoints. */
    tls: tlsSchema(),
    /** Documents Elasticsearch refused for good (mapping errors, other 4xx): written here with the reason. */
    dead_letter: z
      .strictObject({
        /** Default none: refused documents are only counted and logged. A JSON-lines file otherwise. */
        path: z.string().optional(),
        /** Default 10: the file is rotated when it would pass this size. */
        max_megabytes: z.number().positive().default(10),
        /** Default 1: rotated files kept (`<path>.1` ...). 0 = the old file is deleted. */
        max_backups: z.number().int().min(0).default(1),
      })
      .prefault({}),
    /** Default 10s: how often cluster reachability is checked for `/health`. 0 = only from sends. */
    health_check_interval: duration('10s'),
    /** Default 30s: the limit on one bulk request. 0 = no limit. */
    timeout: duration('30s'),
    // Our own queue defaults: a queued entry is a whole bulk request (up to flush.bytes), so the
    // helper's 1000 would allow gigabytes; 100 x 5 MB bounds it at about 500 MB.
    sending_queue: z
      .strictObject({
        /** Default true. False: every batch is one bulk request and the caller waits for it. */
        enabled: z.boolean().default(true),
        /** Default 4: bulk requests in flight. */
        num_consumers: z.number().int().min(1).default(4),
        /**
         * Default 100, counted in bulk requests; with storage, in batches as they arrive. When
         * full, callers are refused with a retryable `queue_full`.
         */
        queue_size: z.number().int().min(1).default(100),
        /**
         * Unset by default (in memory). A file_storage extension id: each batch is written to
         * its log before the caller is answered and survives a crash; documents are then built
         * when a bulk request is sent, from consecutive queued batches.
         */
        storage: storageRef(),
      })
      .refine((q) => q.enabled || q.storage === undefined, {
        path: ['storage'],
        message: 'storage keeps the sending queue on disk, so it needs the queue: remove storage or set enabled: true',
      })
      .prefault({}),
    retry_on_failure: retryOnFailureSchema(),
  })
  .superRefine((c, ctx) => {
    if ((c.user === undefined) !== (c.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'user and password go together: give both for basic auth, or neither' });
    }
    if (c.api_key !== undefined && c.user !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['api_key'], message: 'give either api_key or user/password, not both' });
    }
  });

export type ElasticsearchExporterConfig = z.output<typeof elasticsearchExporterConfig>;

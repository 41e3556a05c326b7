// The `service` section's schema. Adding a service-level block (e.g. `security`) is one
// entry here; the engine reads such blocks from CollectorConfig.raw.
import { z } from 'zod';
import { duration } from './schema-helpers.ts';
import { securityPolicySchema } from './security-policy.ts';
import { serverTlsSchema } from '../net/tls-config.ts';

const idList = z.array(z.string()).default([]);

/** One pipeline: ids of receivers (or connectors), ordered processors, exporters (or connectors). */
export const pipelineSchema = z.strictObject({
  receivers: idList.meta({ description: 'Receivers and connectors that feed this pipeline.' }),
  processors: idList.meta({ description: 'Processors, applied in this order.' }),
  exporters: idList.meta({ description: 'Exporters and connectors this pipeline sends to.' }),
});

export const telemetrySchema = z
  .strictObject({
    logs: z
      .strictObject({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** The daemon's own `/metrics`; '' disables it (as does level none). */
        address: z
          .union([z.literal(''), z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/]*):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8888, or "" to disable')])
          .default('127.0.0.1:8888')
          .meta({ description: "host:port of the daemon's own /metrics; '' disables it." }),
        level: z.enum(['none', 'basic', 'normal', 'detailed']).default('normal'),
        /** Default: none (plain text). TLS for the daemon's /metrics; client_ca_file makes scrapers show a certificate. */
        tls: serverTlsSchema().optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const serviceSchema = z.strictObject({
  /** Pipeline ids are `traces|metrics|logs[/name]`; checked in pipelines.ts with positions. */
  pipelines: z.record(z.string(), pipelineSchema).default({}),
  extensions: idList.meta({ description: 'Extensions to start, by id.' }),
  telemetry: telemetrySchema,
  shutdown_timeout: duration('10s').meta({ description: 'Time given to components to drain on shutdown (default 10s).' }),
  start_timeout: duration('60s').meta({
    description: 'The most one component may take to start (default 60s); past it the daemon logs one fatal line naming the component and exits 1 within shutdown_timeout.',
  }),
  /** Security policy: checked by src/security at validate/run, enforced in front of exporters. */
  security: securityPolicySchema.optional().meta({ description: 'Where security records may go: classify, sinks, scrubbers (see src/security/README.md).' }),
});

export type ServiceInput = z.input<typeof serviceSchema>;
export type ServiceOutput = z.output<typeof serviceSchema>;

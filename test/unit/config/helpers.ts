// A small registry of fake factories for the config tests (the real ones live elsewhere and
// change under us): nested objects with defaults, a metrics-only receiver, and a connector
// with the pairs logs>logs and traces>metrics.
import { join } from 'node:path';
import { z } from 'zod';
import { Registry } from '../../../src/pipeline/registry.ts';
import type { ConnectorFactory, ExporterFactory, ExtensionFactory, ProcessorFactory, ReceiverFactory } from '../../../src/pipeline/component.ts';
import { duration, endpoint } from '../../../src/config/schema-helpers.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/config');
export const fixture = (name: string) => join(FIXTURES, name);

const notBuilt = (): never => {
  throw new Error('config tests never build components');
};

const otlp: ReceiverFactory = {
  kind: 'receiver',
  type: 'otlp',
  description: 'test otlp',
  signals: { traces: 'stable', metrics: 'stable', logs: 'stable' },
  config: z.strictObject({
    protocols: z
      .strictObject({
        grpc: z.strictObject({ endpoint: endpoint('127.0.0.1:4317') }).optional(),
        http: z.strictObject({ endpoint: endpoint('127.0.0.1:4318') }).optional(),
      })
      .prefault({}),
  }),
  create: notBuilt,
};

const hostmetrics: ReceiverFactory = {
  kind: 'receiver',
  type: 'hostmetrics',
  description: 'metrics only',
  signals: { metrics: 'beta' },
  config: z.strictObject({ collection_interval: duration('10s') }),
  create: notBuilt,
};

const batch: ProcessorFactory = {
  kind: 'processor',
  type: 'batch',
  description: 'test batch',
  signals: { traces: 'stable', metrics: 'stable', logs: 'stable' },
  config: z.strictObject({ timeout: duration('200ms'), send_batch_size: z.number().int().min(1).default(8192) }),
  create: notBuilt,
};

const attributes: ProcessorFactory = {
  kind: 'processor',
  type: 'attributes',
  description: 'test attributes',
  signals: { traces: 'stable', logs: 'stable' },
  config: z.strictObject({
    actions: z
      .array(
        z.strictObject({
          key: z.string(),
          value: z.string().optional(),
          action: z.enum(['insert', 'update', 'upsert', 'delete']),
        }),
      )
      .default([]),
  }),
  create: notBuilt,
};

const file: ExporterFactory = {
  kind: 'exporter',
  type: 'file',
  description: 'test file',
  signals: { traces: 'stable', metrics: 'stable', logs: 'stable' },
  config: z.strictObject({
    path: z.string(),
    rotation: z
      .strictObject({
        max_megabytes: z.number().int().min(1).default(100),
        max_backups: z.number().int().min(0).default(5),
      })
      .prefault({}),
  }),
  create: notBuilt,
};

const debug: ExporterFactory = {
  kind: 'exporter',
  type: 'debug',
  description: 'test debug',
  signals: { traces: 'stable', metrics: 'stable', logs: 'stable' },
  config: z.strictObject({ verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic') }),
  create: notBuilt,
};

const routingConfig = z.strictObject({
  default_pipelines: z.array(z.string()).default([]),
  table: z.array(z.strictObject({ scope_prefix: z.string(), pipelines: z.array(z.string()) })).default([]),
});

const routing: ConnectorFactory<z.output<typeof routingConfig>> = {
  kind: 'connector',
  type: 'routing',
  description: 'test routing',
  pairs: { 'logs>logs': 'alpha', 'traces>metrics': 'alpha' },
  config: routingConfig,
  checkPipelines(config, to) {
    const problems: Array<{ path: (string | number)[]; message: string }> = [];
    config.table.forEach((route, i) =>
      route.pipelines.forEach((p, j) => {
        if (!to.includes(p)) problems.push({ path: ['table', i, 'pipelines', j], message: `routes to pipeline "${p}", which does not receive from this connector` });
      }),
    );
    return problems;
  },
  create: notBuilt,
};

const healthCheck: ExtensionFactory = {
  kind: 'extension',
  type: 'health_check',
  description: 'test health',
  stability: 'beta',
  config: z.strictObject({ endpoint: endpoint('127.0.0.1:13133') }),
  create: notBuilt,
};

export function testRegistry(): Registry {
  return new Registry([otlp, hostmetrics, batch, attributes, file, debug, routing, healthCheck]);
}

/** Loads fixtures with the test registry and an empty environment unless given. */
export function load(names: string[], env: NodeJS.ProcessEnv = {}) {
  return loadConfig(names.map(fixture), testRegistry(), env);
}

/** Diagnostics as the user sees them, paths relative to the fixtures folder. */
export function lines(names: string[], env: NodeJS.ProcessEnv = {}): string[] {
  return load(names, env).diagnostics.map((d) => formatDiagnostic(d, FIXTURES));
}

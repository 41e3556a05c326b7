import { z } from 'zod';
import type { CollectorConfig, ComponentConfig, PipelineConfig } from '../../../src/config/model.ts';
import type { Factory, ReceiverFactory, ProcessorFactory, ExporterFactory, ConnectorFactory, ReceiverConsumers, Kind } from '../../../src/pipeline/component.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import { Batch } from '../../../src/pdata/batch.ts';
import type { LogsData, Signal } from '../../../src/pdata/types.ts';
import { parseComponentId } from '../../../src/pipeline/component-id.ts';

/** Everything the fake components did, in order. */
export const events: string[] = [];

export class FakeReceiver {
  static last = new Map<string, FakeReceiver>();
  consumers: ReceiverConsumers;
  constructor(id: string, consumers: ReceiverConsumers) {
    this.consumers = consumers;
    FakeReceiver.last.set(id, this);
  }
  async start() {
    events.push('start receiver');
  }
  async shutdown() {
    events.push('stop receiver');
  }
}

export const fakeReceiver: ReceiverFactory = {
  kind: 'receiver',
  type: 'fake',
  description: 'test',
  signals: { logs: 'stable', traces: 'stable' },
  config: z.strictObject({}),
  create: (s, _c, consumers) => new FakeReceiver(s.id.text, consumers),
};

/** Appends `tag` to every log body string it sees; mutates. */
export const tagProcessor: ProcessorFactory<{ tag: string }> = {
  kind: 'processor',
  type: 'tag',
  description: 'test',
  signals: { logs: 'stable' },
  config: z.strictObject({ tag: z.string().default('x') }),
  create: (s, c, _signal, next) => ({
    mutates: true,
    async consume(batch) {
      const data = batch.mutableData() as LogsData;
      for (const rl of data.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) r.body = { stringValue: `${r.body?.stringValue ?? ''}${c.tag}` };
      return next.consume(batch);
    },
    async start() {
      events.push(`start ${s.id.text}`);
    },
    async shutdown() {
      events.push(`stop ${s.id.text}`);
    },
  }),
};

export const passProcessor: ProcessorFactory = {
  kind: 'processor',
  type: 'pass',
  description: 'test',
  signals: { logs: 'stable' },
  config: z.strictObject({}),
  create: (s, _c, _signal, next) => ({
    mutates: false,
    consume: (b) => next.consume(b),
    async start() {
      events.push(`start ${s.id.text}`);
    },
    async shutdown() {
      events.push(`stop ${s.id.text}`);
    },
  }),
};

export class SinkExporter implements Consumer {
  static all = new Map<string, SinkExporter>();
  readonly mutates = false;
  bodies: string[] = [];
  readonly key: string;
  constructor(key: string) {
    this.key = key;
    SinkExporter.all.set(key, this);
  }
  async consume(batch: Batch) {
    for (const rl of (batch.data as LogsData).resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) this.bodies.push(r.body?.stringValue ?? '');
  }
  async start() {
    events.push(`start exporter ${this.key}`);
  }
  async shutdown() {
    events.push(`stop exporter ${this.key}`);
  }
}

export const sinkExporter: ExporterFactory = {
  kind: 'exporter',
  type: 'sink',
  description: 'test',
  signals: { logs: 'stable', traces: 'stable' },
  config: z.strictObject({}),
  create: (s, _c, signal) => new SinkExporter(`${s.id.text}@${signal}`),
};

export const forwardLike: ConnectorFactory = {
  kind: 'connector',
  type: 'fwd',
  description: 'test',
  pairs: { 'logs>logs': 'stable' },
  config: z.strictObject({}),
  create: (s, _c, _from, _to, next) => ({
    mutates: false,
    consume: (b) => next.all.consume(b),
    async start() {
      events.push(`start ${s.id.text}`);
    },
    async shutdown() {
      events.push(`stop ${s.id.text}`);
    },
  }),
};

const pos = { file: 'test.yaml', line: 1, col: 1 };

function comp<F extends Factory>(kind: Kind, id: string, factory: F, config: unknown = {}): [string, ComponentConfig<F>] {
  const cid = parseComponentId(id);
  if (typeof cid === 'string') throw new Error(cid);
  return [id, { id: cid, kind, factory, config: (factory.config as z.ZodType).parse(config), pos }];
}

/** A CollectorConfig built by hand (the loader is tested elsewhere). */
export function makeConfig(spec: {
  receivers?: Record<string, ReceiverFactory>;
  processors?: Record<string, [ProcessorFactory, unknown?]>;
  exporters?: Record<string, ExporterFactory>;
  connectors?: Record<string, ConnectorFactory>;
  pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }>;
}): CollectorConfig {
  const pipelines = new Map<string, PipelineConfig>();
  for (const [id, p] of Object.entries(spec.pipelines)) {
    const [signal, name = ''] = id.split('/') as [Signal, string?];
    pipelines.set(id, { id, signal, name, receivers: p.receivers, processors: p.processors ?? [], exporters: p.exporters, pos });
  }
  return {
    receivers: new Map(Object.entries(spec.receivers ?? {}).map(([id, f]) => comp('receiver', id, f))),
    processors: new Map(Object.entries(spec.processors ?? {}).map(([id, [f, c]]) => comp('processor', id, f, c))),
    exporters: new Map(Object.entries(spec.exporters ?? {}).map(([id, f]) => comp('exporter', id, f))),
    connectors: new Map(Object.entries(spec.connectors ?? {}).map(([id, f]) => comp('connector', id, f))),
    extensions: new Map(),
    service: { pipelines, extensions: [], telemetry: { logs: { level: 'info' }, metrics: { address: '', level: 'none' } }, shutdownTimeoutMs: 1000 },
    files: ['test.yaml'],
    raw: {},
    positionOf: () => undefined,
  };
}

export function logsBatch(...bodies: string[]): Batch {
  const data: LogsData = {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: bodies.map((b) => ({
              timeUnixNano: 1n,
              observedTimeUnixNano: 1n,
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: b },
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: '',
              spanId: '',
              eventName: '',
            })),
          },
        ],
      },
    ],
  };
  return Batch.of('logs', data, bodies.length);
}

// Small builders for routing tests: logs from named scopes, a recording consumer per pipeline.
import type { ConnectorConsumers } from '../../../../src/pipeline/component.ts';
import type { ConsumerError, Consumer } from '../../../../src/pipeline/consumer.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import type { KeyValue, LogRecord, LogsData, ResourceLogs } from '../../../../src/pdata/types.ts';
import type { SelfMetrics } from '../../../../src/telemetry/metrics.ts';
import { testSettings, type TestSettings } from '../../../helpers/settings.ts';

export const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });

export function log(body: string, severityNumber = 9, attributes: KeyValue[] = []): LogRecord {
  return {
    timeUnixNano: 1n,
    observedTimeUnixNano: 1n,
    severityNumber,
    severityText: '',
    body: { stringValue: body },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

/** One resource with the given scopes; each scope's records get bodies `<scope>#<i>` unless given. */
export function resourceLogs(resourceAttrs: KeyValue[], scopes: Record<string, LogRecord[] | number>): ResourceLogs {
  return {
    resource: { attributes: resourceAttrs, droppedAttributesCount: 0 },
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    scopeLogs: Object.entries(scopes).map(([name, recs]) => ({
      scope: { name, version: '1', attributes: [], droppedAttributesCount: 0 },
      schemaUrl: '',
      logRecords: typeof recs === 'number' ? Array.from({ length: recs }, (_, i) => log(`${name}#${i}`)) : recs,
    })),
  };
}

export const logs = (...resources: ResourceLogs[]): Batch => Batch.of('logs', { resourceLogs: resources });

/** Bodies in a batch, as `scope:body`. */
export function bodies(b: Batch): string[] {
  const out: string[] = [];
  for (const rl of (b.data as LogsData).resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) out.push(r.body?.stringValue ?? '');
  return out;
}

/** Records every batch it is given; may mutate (appends "!" to bodies) or refuse. */
export class Recorder implements Consumer {
  readonly mutates: boolean;
  readonly batches: Batch[] = [];
  refuse: ConsumerError | undefined;
  constructor(mutates = false) {
    this.mutates = mutates;
  }
  async consume(b: Batch): Promise<void> {
    if (this.refuse) throw this.refuse;
    if (this.mutates) {
      for (const rl of (b.mutableData() as LogsData).resourceLogs) {
        rl.resource.attributes.push(str('touched', 'yes'));
        for (const sl of rl.scopeLogs) for (const r of sl.logRecords) r.body = { stringValue: `${r.body?.stringValue}!` };
      }
    }
    this.batches.push(b);
  }
  get bodies(): string[] {
    return this.batches.flatMap(bodies);
  }
}

export function consumers(map: Record<string, Consumer>): ConnectorConsumers {
  const byPipeline = new Map(Object.entries(map));
  return {
    byPipeline,
    all: {
      mutates: false,
      consume: async () => {
        throw new Error('routing must not use "all"');
      },
    },
  };
}

export function settings(id = 'routing/security'): TestSettings {
  return testSettings(id, 1000);
}

/** The value of genrf_collector_dropped_items_total for these labels (0 when absent). */
export async function dropped(metrics: SelfMetrics, component: string, reason: string, signal = 'logs'): Promise<number> {
  const text = await metrics.render();
  const re = new RegExp(`^genrf_collector_dropped_items_total\\{component="${component.replace(/[/.]/g, '\\$&')}",otel_signal="${signal}",reason="${reason}"\\} (\\d+)$`, 'm');
  return Number(re.exec(text)?.[1] ?? 0);
}

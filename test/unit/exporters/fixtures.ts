// Shared bits for the exporter tests: settings with real SelfMetrics, and metric reads.
import { Batch } from '../../../src/pdata/batch.ts';
import type { LogsData, Signal } from '../../../src/pdata/types.ts';
import type { CreateSettings } from '../../../src/pipeline/component.ts';

export { testSettings, type TestSettings } from '../../helpers/settings.ts';
export { until } from '../../helpers/wait.ts';

/** The value of one sample from `SelfMetrics.render()`, matched by name and label substrings. */
export async function metricValue(settings: CreateSettings, name: string, ...labels: string[]): Promise<number> {
  const text = await settings.metrics.render();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? total : Number.NaN;
}

/** A small logs payload with `n` records, all under one resource and scope. */
export function logsData(n: number, body = 'hello', service = 'checkout'): LogsData {
  const logRecords = [];
  for (let i = 0; i < n; i++) {
    logRecords.push({
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `${body} ${i}` },
      attributes: [{ key: 'n', value: { intValue: BigInt(i) } }],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    });
  }
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
        scopeLogs: [{ scope: { name: 'genrf.app', version: '1.0', attributes: [], droppedAttributesCount: 0 }, logRecords, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** A logs batch with its item count given, so it works without the pdata ops. */
export function logsBatch(n: number, body?: string): Batch<'logs'> {
  return Batch.of('logs', logsData(n, body), n);
}

export type { Signal };

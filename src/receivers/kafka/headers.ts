import type { Batch } from '../../pdata/batch.ts';
import type { KeyValue, Signal } from '../../pdata/types.ts';

/** header_extraction: the given attributes (`kafka.header.<name>`) on every resource of the batch. */
export function addResourceAttributes(signal: Signal, batch: Batch, attrs: KeyValue[]): void {
  if (attrs.length === 0) return;
  const data = batch.mutableData() as unknown as Record<string, Array<{ resource: { attributes: KeyValue[] } }>>;
  const list = signal === 'traces' ? data.resourceSpans : signal === 'metrics' ? data.resourceMetrics : data.resourceLogs;
  for (const r of list) r.resource.attributes.push(...attrs);
}

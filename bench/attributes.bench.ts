// The attributes processor's hot path: 3 actions (upsert deployment.environment, hash
// user.id, delete session.id) on batches of 512 spans with 10 attributes each. The actions
// change the spans, so every call gets a fresh copy (cloneData); the copy is measured on its
// own too and the processor's share is derived from the two. Figures are the best of several
// short windows, because the benchmark machines are shared.
// Run: `node bench/attributes.bench.ts` (or `npm run bench attributes` once registered).
import { Batch } from '../src/pdata/batch.ts';
import { cloneData } from '../src/pdata/ops.ts';
import type { Consumer } from '../src/pipeline/consumer.ts';
import type { ProcessorFactory } from '../src/pipeline/component.ts';
import { parseComponentId, type ComponentId } from '../src/pipeline/component-id.ts';
import { SelfMetrics } from '../src/telemetry/metrics.ts';
import { silentLogger } from '../src/telemetry/logger.ts';
import { attributesProcessorFactory } from '../src/processors/attributes/factory.ts';
import { filterProcessorFactory } from '../src/processors/filter/factory.ts';
import { resourceProcessorFactory } from '../src/processors/resource/factory.ts';
import { decodeProto, encodeProto } from '../src/pdata/proto/index.ts';
import { benchTraces } from './spans.ts';
import { callsPerSecond, type Figure } from './util.ts';

const SPANS = 512;

const sink: Consumer = { mutates: false, consume: () => Promise.resolve() };

function processor(factory: ProcessorFactory, options: unknown) {
  const settings = { id: parseComponentId(factory.type) as ComponentId, logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 };
  return factory.create(settings, factory.config.parse(options), 'traces', sink);
}

export async function runAttributesBench(): Promise<Figure[]> {
  await Promise.all([attributesProcessorFactory, filterProcessorFactory, resourceProcessorFactory].map((f) => f.load?.()));
  const data = benchTraces(SPANS);
  const attributes = processor(attributesProcessorFactory, {
    actions: [
      { key: 'deployment.environment', action: 'upsert', value: 'prod' },
      { key: 'user.id', action: 'hash' },
      { key: 'session.id', action: 'delete' },
    ],
  });
  const bySpan = processor(attributesProcessorFactory, {
    actions: [{ key: 'user.id', action: 'hash' }],
    include: { span_name_prefix: 'spice_' }, // a quarter of the spans
  });
  const filter = processor(filterProcessorFactory, { traces: { exclude: [{ span_name: 'health_check' }, { attributes: { 'http.status_code': 500 } }] } });

  const copy = callsPerSecond(() => cloneData('traces', data));
  const withCopy = callsPerSecond(() => void attributes.consume(Batch.of('traces', cloneData('traces', data), SPANS)));
  // Per call: 1/withCopy = 1/copy + 1/alone.
  const alone = 1 / (1 / withCopy - 1 / copy);
  const figures: Figure[] = [];
  const add = (name: string, perCall: number) => figures.push({ name, value: Math.round(perCall * SPANS), unit: 'spans/s' });
  add(`attributes: upsert + hash + delete (${SPANS} spans x 10 attrs), incl. copy`, withCopy);
  add('attributes: the same, processor alone (copy subtracted)', alone);
  add('cloneData (the copy, for reference)', copy);
  add(
    'attributes: hash on 1/4 of spans (include span_name_prefix), incl. copy',
    callsPerSecond(() => void bySpan.consume(Batch.of('traces', cloneData('traces', data), SPANS))),
  );
  // The filter drops nothing here, so it can run on the same data every time.
  add(
    'filter: 2 exclude conditions, nothing dropped',
    callsPerSecond(() => void filter.consume(Batch.of('traces', data, SPANS))),
  );
  // The resource processor on a request as a receiver hands it on (protobuf bytes), until the
  // bytes a protobuf exporter would send: the fast path rewrites the resource messages only;
  // the decode path (what it did before) decodes, changes and encodes the whole request.
  const bytes = encodeProto('traces', data);
  const resource = processor(resourceProcessorFactory, { attributes: [{ key: 'deployment.environment', action: 'upsert', value: 'prod' }] });
  const fast = callsPerSecond(() => void resource.consume(Batch.fromProto('traces', bytes, SPANS)));
  const decodePath = callsPerSecond(() => {
    const b = Batch.of('traces', decodeProto('traces', bytes), SPANS);
    void resource.consume(b);
    return encodeProto('traces', b.data);
  });
  add('resource: upsert, protobuf request in -> bytes out (fast path)', fast);
  add('resource: the same through decode + encode (the old path)', decodePath);
  return figures;
}

if (import.meta.main) {
  for (const f of await runAttributesBench()) console.log(`${f.name.padEnd(72)} ${String(f.value).padStart(12)} ${f.unit}`);
}

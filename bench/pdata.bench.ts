// pdata hot paths: protobuf decode/encode, OTLP/JSON decode/encode, clone, the validating scan
// (countProtoItems). Batches of 512 spans with 10 attributes each (mixed string/int/double/bool),
// like an SDK's BatchSpanProcessor sends, and 512 metric data points of every kind (4
// attributes each; see benchMetrics). Each figure is the best of several short windows, because the
// benchmark machines are shared and a slow window measures the neighbours, not the code.
// Run: `node bench/pdata.bench.ts` (or `npm run bench pdata`).
import { decodeProto, encodeProto } from '../src/pdata/proto/index.ts';
import { decodeJson, encodeJson } from '../src/pdata/json/index.ts';
import { cloneData, countProtoItems, splitData } from '../src/pdata/ops.ts';
import { benchMetrics, benchTraces } from '../test/unit/pdata/fixtures.ts';
import { callsPerSecond, type Figure } from './util.ts';

const SPANS = 512;
const POINTS = 512;

/** Items per second of `fn` (which handles `items` items per call), best window. */
function measure(items: number, fn: () => unknown): number {
  return Math.round(items * callsPerSecond(fn));
}

export async function runPdataBench(): Promise<Figure[]> {
  const data = benchTraces(SPANS);
  const proto = encodeProto('traces', data);
  const json = encodeJson('traces', data);
  const figures: Figure[] = [];
  const add = (name: string, value: number, unit = 'spans/s') => figures.push({ name, value, unit });

  add(
    `proto decode (${SPANS} spans x 10 attrs, ${Math.round(proto.length / SPANS)} B/span)`,
    measure(SPANS, () => decodeProto('traces', proto)),
  );
  add(
    'proto encode',
    measure(SPANS, () => encodeProto('traces', data)),
  );
  add(
    'countProtoItems (the validating scan)',
    measure(SPANS, () => countProtoItems('traces', proto)),
  );
  add(
    `json decode (${Math.round(json.length / SPANS)} B/span)`,
    measure(SPANS, () => decodeJson('traces', json)),
  );
  add(
    'json encode',
    measure(SPANS, () => encodeJson('traces', data)),
  );
  add(
    'cloneData',
    measure(SPANS, () => cloneData('traces', data)),
  );
  add(
    'structuredClone (for comparison)',
    measure(SPANS, () => structuredClone(data)),
  );
  add(
    'splitData into pieces of 100',
    measure(SPANS, () => splitData('traces', cloneData('traces', data), 100)),
  );
  const mb = (proto.length * measure(SPANS, () => decodeProto('traces', proto))) / SPANS / 1e6;
  add('proto decode throughput', Math.round(mb), 'MB/s');
  const metrics = benchMetrics(POINTS);
  const mproto = encodeProto('metrics', metrics);
  const mjson = encodeJson('metrics', metrics);
  add(
    `metrics proto decode (${POINTS} points, ${Math.round(mproto.length / POINTS)} B/point)`,
    measure(POINTS, () => decodeProto('metrics', mproto)),
    'points/s',
  );
  add(
    'metrics proto encode',
    measure(POINTS, () => encodeProto('metrics', metrics)),
    'points/s',
  );
  add(
    'metrics countProtoItems',
    measure(POINTS, () => countProtoItems('metrics', mproto)),
    'points/s',
  );
  add(
    'metrics json decode',
    measure(POINTS, () => decodeJson('metrics', mjson)),
    'points/s',
  );
  add(
    'metrics json encode',
    measure(POINTS, () => encodeJson('metrics', metrics)),
    'points/s',
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await runPdataBench()) console.log(`${f.name.padEnd(60)} ${String(f.value).padStart(12)} ${f.unit}`);
}

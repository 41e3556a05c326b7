// Property test: random mutations of valid requests. Whatever the validating scan accepts, the
// full decoder decodes, to the same number of items, and what an exporter does with it next
// (write OTLP/JSON, read that back, encode protobuf again) works too. What it refuses, it
// refuses with a DecodeError, never another exception.
import { describe, expect, it } from 'vitest';
import { countProtoItems, decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';
import { decodeJson, encodeJson, encodeJsonFromProto } from '../../../src/pdata/json/index.ts';
import { countItems } from '../../../src/pdata/ops.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import type { Signal } from '../../../src/pdata/types.ts';
import { benchTraces, fullLogs, fullMetrics, fullTraces } from './fixtures.ts';

/** A small seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (b: Uint8Array, rand: () => number, other: Uint8Array) => Uint8Array;

const at = (b: Uint8Array, rand: () => number) => Math.floor(rand() * b.length);
// Bytes that matter to protobuf: varint continuation, wire types, UTF-8 leads, lengths.
const INTERESTING = [0x00, 0x01, 0x02, 0x06, 0x07, 0x08, 0x0a, 0x0f, 0x10, 0x12, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff];
const byte = (rand: () => number) => (rand() < 0.5 ? INTERESTING[Math.floor(rand() * INTERESTING.length)] : Math.floor(rand() * 256));

const MUTATIONS: Mutation[] = [
  // set a byte
  (b, rand) => {
    const c = b.slice();
    if (c.length > 0) c[at(c, rand)] = byte(rand);
    return c;
  },
  // flip a bit
  (b, rand) => {
    const c = b.slice();
    if (c.length > 0) c[at(c, rand)] ^= 1 << Math.floor(rand() * 8);
    return c;
  },
  // a length or varint one more or one less
  (b, rand) => {
    const c = b.slice();
    if (c.length > 0) {
      const i = at(c, rand);
      c[i] = (c[i] + (rand() < 0.5 ? 1 : 255)) & 0xff;
    }
    return c;
  },
  // insert a few bytes
  (b, rand) => {
    const i = at(b, rand);
    const ins = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => byte(rand));
    return Uint8Array.from([...b.subarray(0, i), ...ins, ...b.subarray(i)]);
  },
  // delete a range
  (b, rand) => {
    const i = at(b, rand);
    return Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + 1 + Math.floor(rand() * 8))]);
  },
  // truncate
  (b, rand) => b.slice(0, at(b, rand)),
  // splice in a piece of another valid request
  (b, rand, other) => {
    const i = at(b, rand);
    const j = at(other, rand);
    return Uint8Array.from([...b.subarray(0, i), ...other.subarray(j, j + 1 + Math.floor(rand() * 40)), ...b.subarray(i)]);
  },
];

/** What a pipeline does with an accepted request; throws when any step fails. */
function downstream(signal: Signal, bytes: Uint8Array, items: number): void {
  const data = decodeProto(signal, bytes);
  expect(countItems(signal, data)).toBe(items);
  const json = encodeJson(signal, data);
  expect(encodeJsonFromProto(signal, bytes)).toBe(json);
  // The file exporter's output can be read back (replayed) ...
  const back = decodeJson(signal, json);
  expect(countItems(signal, back)).toBe(items);
  // ... and an exporter's re-encoding is a valid request again.
  expect(countProtoItems(signal, encodeProto(signal, data))).toBe(items);
}

const SEEDS: Array<[Signal, Uint8Array]> = [
  ['traces', encodeProto('traces', fullTraces())],
  ['traces', encodeProto('traces', benchTraces(3))],
  ['metrics', encodeProto('metrics', fullMetrics())],
  ['logs', encodeProto('logs', fullLogs())],
];

describe('whatever the validating scan accepts, the decoder decodes', () => {
  it.each(SEEDS.map(([s, b], i) => [`${s} #${i}`, s, b, i] as const))('%s: 4000 random mutations', (_, signal, valid, index) => {
    const rand = prng(0x5eed + index);
    const others = SEEDS.map(([, b]) => b);
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 4000; n++) {
      let input = valid;
      // One to three mutations on top of each other.
      const steps = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < steps; k++) input = MUTATIONS[Math.floor(rand() * MUTATIONS.length)](input, rand, others[Math.floor(rand() * others.length)]);
      let items: number;
      try {
        items = countProtoItems(signal, input);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`mutation ${n}: the scan threw ${String(e)}`);
        refused++;
        continue;
      }
      accepted++;
      try {
        downstream(signal, input, items);
      } catch (e) {
        throw new Error(`mutation ${n} of ${signal} seed ${index} was accepted by the scan but ${String(e)}\ninput: ${Buffer.from(input).toString('hex')}`);
      }
    }
    // Both outcomes are exercised: mutations that keep the request valid and ones that break it.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});

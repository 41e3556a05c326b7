import { describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import { decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';
import { SHAPES } from '../../../src/pdata/shape.ts';
import type { AnyValue, Resource, Signal, SignalData } from '../../../src/pdata/types.ts';
import { fullLogs, fullMetrics, fullTraces } from './fixtures.ts';

// The resource fast path (Batch.changeResources on protobuf bytes) against the decode path
// (decode, change each resource, encode): the same data must come out, without a record decoded.

const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];
const FULL = { traces: fullTraces, metrics: fullMetrics, logs: fullLogs } as const;

/** A small deterministic PRNG, so a failure names an input that can be rebuilt. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['service.name', 'host.name', 'env', 'owner', 'k', 'deployment.environment'];

function randomValue(rnd: () => number): AnyValue {
  const k = Math.floor(rnd() * 5);
  if (k === 0) return { stringValue: `v${Math.floor(rnd() * 100)}` };
  if (k === 1) return { intValue: BigInt(Math.floor(rnd() * 1000) - 500) };
  if (k === 2) return { doubleValue: rnd() * 10 };
  if (k === 3) return { boolValue: rnd() < 0.5 };
  return { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1n }] } };
}

/** The full fixture of a signal with its resource entries repeated and their resources varied. */
function randomData<S extends Signal>(signal: S, seed: number): SignalData[S] {
  const rnd = prng(seed);
  const shape = SHAPES[signal];
  const base = FULL[signal]() as SignalData[S];
  const entries = shape.resources(base);
  const out: unknown[] = [];
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const e = entries[i % entries.length];
    const attributes = [];
    const m = Math.floor(rnd() * 5);
    for (let j = 0; j < m; j++) attributes.push({ key: KEYS[Math.floor(rnd() * KEYS.length)], value: randomValue(rnd) });
    const resource: Resource = { attributes, droppedAttributesCount: rnd() < 0.2 ? 3 : 0 };
    out.push(shape.withScopes(e, shape.scopes(e), resource));
  }
  return shape.data(out) as SignalData[S];
}

/** Resource changes of every kind the processors make: add, replace, remove, append. */
const CHANGES: Array<[string, (r: Resource) => void]> = [
  ['nothing', () => {}],
  [
    'upsert',
    (r) => {
      const i = r.attributes.findIndex((a) => a.key === 'env');
      if (i >= 0) r.attributes[i].value = { stringValue: 'prod' };
      else r.attributes.push({ key: 'env', value: { stringValue: 'prod' } });
    },
  ],
  [
    'delete all',
    (r) => {
      r.attributes.length = 0;
      r.droppedAttributesCount = 0;
    },
  ],
  [
    'delete one, hash another',
    (r) => {
      r.attributes = r.attributes.filter((a) => a.key !== 'host.name');
      for (const a of r.attributes) if (a.key === 'owner') a.value = { stringValue: 'hashed' };
    },
  ],
  [
    'append many',
    (r) => {
      for (let i = 0; i < 40; i++) r.attributes.push({ key: `x${i}`, value: { stringValue: 'y'.repeat(i * 7) } });
    },
  ],
];

function viaDecode<S extends Signal>(signal: S, bytes: Uint8Array, change: (r: Resource) => void): SignalData[S] {
  const data = decodeProto(signal, bytes);
  const shape = SHAPES[signal];
  for (const e of shape.resources(data)) change(shape.resource(e));
  return decodeProto(signal, encodeProto(signal, data));
}

function viaFastPath<S extends Signal>(signal: S, bytes: Uint8Array, change: (r: Resource) => void): { data: SignalData[S]; batch: Batch<S> } {
  const batch = Batch.fromProto(signal, bytes);
  batch.changeResources(change);
  expect(batch.decoded).toBe(false);
  return { data: decodeProto(signal, batch.toProto()), batch };
}

describe('Batch.changeResources on protobuf bytes (the resource fast path)', () => {
  for (const signal of SIGNALS) {
    for (const [name, change] of CHANGES) {
      it(`${signal}, ${name}: decodes to what the decode path gives, on 40 inputs, without decoding a record`, () => {
        for (let seed = 1; seed <= 40; seed++) {
          const bytes = encodeProto(signal, randomData(signal, seed * 7919));
          const fast = viaFastPath(signal, bytes, change);
          expect(fast.data, `seed ${seed * 7919}`).toEqual(viaDecode(signal, bytes, change));
          expect(fast.batch.items).toBe(Batch.fromProto(signal, bytes).items);
        }
      });
    }
  }

  it("keeps a merged batch's sources: each one decodes as the decode path changes it", () => {
    const change = CHANGES[1][1];
    const parts = [1, 2, 3].map((s) => encodeProto('logs', randomData('logs', s)));
    const bounds: number[] = [];
    let end = 0;
    for (const p of parts) {
      end += p.length;
      bounds.push(end, Batch.fromProto('logs', p).items);
    }
    const merged = Batch.merged('logs', Buffer.concat(parts), bounds[1] + bounds[3] + bounds[5], bounds);
    merged.changeResources(change);
    expect(merged.decoded).toBe(false);
    const sources = merged.sources();
    expect(sources).toHaveLength(3);
    sources.forEach((s, i) => {
      expect(s.items).toBe(bounds[2 * i + 1]);
      expect(s.data).toEqual(viaDecode('logs', parts[i], change));
    });
  });

  it('handles entries as the decoder does: the last resource wins, an absent one is empty, unknown fields go', () => {
    // ResourceLogs { resource {attr a=1}; unknown field 9; resource {attr b=2}; scope_logs {}; schema_url "s" }
    const kv = (k: string, v: string) => [0x0a, 6 + k.length + v.length, 0x0a, k.length, ...Buffer.from(k), 0x12, 2 + v.length, 0x0a, v.length, ...Buffer.from(v)];
    const res = (k: string, v: string) => {
      const a = kv(k, v);
      return [0x0a, a.length, ...a];
    };
    const entry = [...res('a', '1'), 0x48, 0x07, ...res('b', '2'), 0x12, 0x00, 0x1a, 0x01, 0x73];
    const noResource = [0x1a, 0x01, 0x74, 0x12, 0x00];
    const bytes = Uint8Array.from([0x0a, entry.length, ...entry, 0x0a, noResource.length, ...noResource, 0x10, 0x01]);
    for (const [, change] of CHANGES) {
      expect(viaFastPath('logs', bytes, change).data).toEqual(viaDecode('logs', bytes, change));
    }
    const seen: string[][] = [];
    Batch.fromProto('logs', bytes).changeResources((r) => {
      seen.push(r.attributes.map((a) => a.key));
    });
    expect(seen).toEqual([['b'], []]);
  });

  it('bytes that do not parse fail with the DecodeError the decode path gives, naming the field', () => {
    const good = encodeProto('traces', fullTraces());
    const truncated = good.subarray(0, good.length - 3);
    const batch = Batch.fromProto('traces', truncated);
    let fast: unknown;
    try {
      batch.changeResources(() => {});
    } catch (e) {
      fast = e;
    }
    let slow: unknown;
    try {
      decodeProto('traces', truncated);
    } catch (e) {
      slow = e;
    }
    expect(fast).toBeInstanceOf(DecodeError);
    expect((fast as Error).message).toBe((slow as Error).message);
  });

  it('changes decoded data in place, as before', () => {
    const batch = Batch.of('metrics', fullMetrics());
    batch.changeResources((r) => {
      r.attributes.push({ key: 'z', value: { boolValue: true } });
    });
    expect(batch.data.resourceMetrics.every((rm) => rm.resource.attributes.at(-1)?.key === 'z')).toBe(true);
  });
});

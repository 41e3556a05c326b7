import { describe, expect, it } from 'vitest';
import { countProtoItems, decodeProto, decodeProtoResponse, encodeProto, encodeProtoResponse } from '../../../src/pdata/proto/index.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import type { Signal, TracesData } from '../../../src/pdata/types.ts';
import { fullLogs, fullMetrics, fullTraces, INT64_MIN, minimalSpan, UINT64_MAX } from './fixtures.ts';

// A tiny independent protobuf writer for hand-made inputs (not the codec's writer).
function varint(n: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const len = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const str = (field: number, s: string) => len(field, [...Buffer.from(s, 'utf8')]);
const fixed64 = (field: number, v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return [...tag(field, 1), ...b];
};
const bytes = (a: number[]) => new Uint8Array(a);

const cases: Array<[Signal, () => unknown]> = [
  ['traces', fullTraces],
  ['metrics', fullMetrics],
  ['logs', fullLogs],
];

describe('protobuf round trip', () => {
  it.each(cases)('%s: every field survives encode then decode', (signal, make) => {
    const data = make() as never;
    const back = decodeProto(signal, encodeProto(signal, data));
    expect(back).toStrictEqual(data);
  });

  it.each(cases)('%s: re-encoding the decoded data gives the same bytes', (signal, make) => {
    const bytes1 = encodeProto(signal, make() as never);
    const bytes2 = encodeProto(signal, decodeProto(signal, bytes1));
    expect(Buffer.from(bytes2).equals(Buffer.from(bytes1))).toBe(true);
  });

  it('fills every field with its proto3 default when absent', () => {
    const data: TracesData = {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [minimalSpan()], schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    };
    const encoded = encodeProto('traces', data);
    // resource_spans { scope_spans { spans {} } }: defaults are not written.
    expect([...encoded]).toEqual([10, 4, 18, 2, 18, 0]);
    expect(decodeProto('traces', encoded)).toStrictEqual(data);
  });

  it('writes known wire bytes for a span (checked by hand against trace.proto)', () => {
    const s = minimalSpan();
    s.traceId = '0102030405060708090a0b0c0d0e0f10';
    s.name = 'n';
    s.kind = 3;
    s.flags = 0x101;
    s.startTimeUnixNano = 1n;
    s.status = { message: '', code: 2 };
    const data: TracesData = {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [s], schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    };
    const span = [...len(1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), ...str(5, 'n'), ...tag(6, 0), 3, ...fixed64(7, 1n), ...len(15, [...tag(3, 0), 2]), ...tag(16, 5), 1, 1, 0, 0];
    const expected = len(1, len(2, len(2, span)));
    expect([...encodeProto('traces', data)]).toEqual(expected);
  });

  it('encodes a message body of 128 bytes and more with a multi-byte length', () => {
    const s = minimalSpan();
    s.name = 'x'.repeat(20000);
    const data: TracesData = {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [s], schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    };
    const out = encodeProto('traces', data);
    expect(decodeProto('traces', out).resourceSpans[0].scopeSpans[0].spans[0].name).toBe(s.name);
    expect(out.length).toBe(20000 + 4 * 4); // name, span, scope_spans, resource_spans: tag + 3-byte length each
  });

  it('grows its buffer for a large request and keeps working after', () => {
    const big = fullTraces();
    const spans = big.resourceSpans[0].scopeSpans[0].spans;
    for (let i = 0; i < 15000; i++) spans.push(spans[i % 3]);
    const out = encodeProto('traces', big);
    expect(out.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(decodeProto('traces', out).resourceSpans[0].scopeSpans[0].spans.length).toBe(15003);
    const small = encodeProto('traces', fullTraces());
    expect(decodeProto('traces', small)).toStrictEqual(fullTraces());
  });

  it('decodes from a Buffer (what the receivers hand over) into values that do not share its memory', () => {
    // A transport may reuse its buffer after the request; bytes values and cached keys must not change with it.
    const input = Buffer.from(encodeProto('traces', fullTraces()));
    const decoded = decodeProto('traces', input);
    expect(decoded).toStrictEqual(fullTraces());
    input.fill(0);
    expect(decoded).toStrictEqual(fullTraces());
    expect(decodeProto('traces', Buffer.from(encodeProto('traces', fullTraces())))).toStrictEqual(fullTraces());
  });
});

describe('protobuf decoding of other encoders output', () => {
  it('skips unknown fields of every wire type, including groups', () => {
    const unknown = [
      ...tag(100, 0),
      ...varint(-1),
      ...tag(101, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...len(102, [1, 2, 3]),
      ...tag(103, 5),
      1,
      2,
      3,
      4,
      ...tag(104, 3),
      ...tag(1, 0),
      5,
      ...tag(2, 3),
      ...tag(2, 4),
      ...tag(104, 4),
    ];
    const span = [...unknown, ...str(5, 'after-unknown'), ...unknown];
    const req = len(1, [...unknown, ...len(2, [...len(2, span), ...unknown]), ...unknown]);
    const data = decodeProto('traces', bytes(req));
    expect(data.resourceSpans[0].scopeSpans[0].spans[0].name).toBe('after-unknown');
  });

  it('decodes packed and unpacked repeated scalars alike', () => {
    const f64 = (v: number) => [...Buffer.from(new BigUint64Array([BigInt(v)]).buffer)];
    const dbl = (v: number) => [...Buffer.from(new Float64Array([v]).buffer)];
    const unpacked = [...tag(6, 1), ...f64(1), ...tag(6, 1), ...f64(2), ...tag(7, 1), ...dbl(0.5)];
    const packed = [...len(6, [...f64(1), ...f64(2)]), ...len(7, dbl(0.5))];
    const expBuckets = (counts: number[]) => [...tag(1, 0), ...varint(5 << 1)].concat(...counts.map((c) => [...tag(2, 0), ...varint(c)]));
    for (const body of [unpacked, packed]) {
      const hist = [...str(1, 'h'), ...len(9, len(1, body))];
      const exp = [...str(1, 'e'), ...len(10, len(1, len(8, expBuckets([3, 300]))))];
      const req = len(1, len(2, [...len(2, hist), ...len(2, exp)]));
      const [h, e] = decodeProto('metrics', bytes(req)).resourceMetrics[0].scopeMetrics[0].metrics;
      expect(h.histogram!.dataPoints[0].bucketCounts).toEqual([1, 2]);
      expect(h.histogram!.dataPoints[0].explicitBounds).toEqual([0.5]);
      expect(e.exponentialHistogram!.dataPoints[0].positive).toEqual({ offset: 5, bucketCounts: [3, 300] });
    }
  });

  it('keeps the last member of a oneof, as protobuf does', () => {
    const metric = [...str(1, 'm'), ...len(9, []), ...len(5, [])];
    const m = decodeProto('metrics', bytes(len(1, len(2, len(2, metric))))).resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(m.histogram).toBeUndefined();
    expect(m.gauge).toEqual({ dataPoints: [] });
  });

  it('reads int64 extremes, negative varints and 64-bit timestamps', () => {
    const kv = (k: string, v: bigint) => len(9, [...str(1, k), ...len(2, [...tag(3, 0), ...varint(v)])]);
    const span = [...fixed64(7, UINT64_MAX), ...kv('min', INT64_MIN), ...kv('neg', -2n), ...kv('big', 1n << 62n), ...tag(6, 0), ...varint(-1)];
    const s = decodeProto('traces', bytes(len(1, len(2, len(2, span))))).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.startTimeUnixNano).toBe(UINT64_MAX);
    expect(s.attributes.map((a) => a.value.intValue)).toEqual([INT64_MIN, -2n, 1n << 62n]);
    expect(s.kind).toBe(-1);
  });

  it('replaces invalid UTF-8 instead of failing', () => {
    const span = len(5, [0x61, 0xff, 0x62]);
    const s = decodeProto('traces', bytes(len(1, len(2, len(2, span))))).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.name).toBe('a\uFFFDb');
  });

  it('returns distinct attribute key strings correctly when keys repeat and collide', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `k${i % 1500}.${'x'.repeat(i % 7)}`);
    const span = keys.flatMap((k) => len(9, [...str(1, k), ...len(2, str(1, 'v'))]));
    const s = decodeProto('traces', bytes(len(1, len(2, len(2, span))))).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.attributes.map((a) => a.key)).toEqual(keys);
  });
});

describe('malformed protobuf', () => {
  it.each(cases)('%s: every truncation either decodes or throws DecodeError', (signal, make) => {
    const full = encodeProto(signal, make() as never);
    let errors = 0;
    for (let n = 0; n < full.length; n++) {
      try {
        decodeProto(signal, full.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        expect((e as Error).message).toMatch(/at byte \d+/);
        errors++;
      }
    }
    // Almost every cut lands inside a message; only cuts between top-level messages decode.
    expect(errors).toBeGreaterThan(full.length * 0.9);
  });

  it('names the field path and byte offset', () => {
    const kv = [...str(1, 'k'), ...tag(2, 2), ...varint(4000)];
    const span = [...str(5, 's'), ...len(9, [...str(1, 'a'), ...len(2, str(1, 'v'))]), ...len(9, kv)];
    const scope = [...len(2, minimalBytes()), ...len(2, span)];
    const req = [...len(1, [...len(2, []), ...len(2, scope)])];
    expect(() => decodeProto('traces', bytes(req))).toThrow(
      /^ExportTraceServiceRequest\.resource_spans\[0\]\.scope_spans\[1\]\.spans\[1\]\.attributes\[1\]\.value: length 4000 past end of buffer \(\d+ bytes\) at byte \d+$/,
    );
  });

  it('refuses a bad wire type, a zero field number, a varint of 11 bytes', () => {
    expect(() => decodeProto('logs', bytes([...tag(1, 7)]))).toThrow(/invalid wire type 7 for field 1 at byte 1/);
    expect(() => decodeProto('logs', bytes([0, 0]))).toThrow(/invalid field number 0/);
    expect(() => decodeProto('logs', bytes([8, ...Array(10).fill(0xff), 1]))).toThrow(/varint longer than 10 bytes/);
    expect(() => decodeProto('metrics', bytes([...tag(1, 4)]))).toThrow(/unexpected end-group/);
  });

  it('refuses a nested message that runs past its parent', () => {
    // The span claims 3 bytes but its name field claims 5.
    const req = len(1, len(2, [...tag(2, 2), 3, ...str(5, 'abcde')]));
    expect(() => decodeProto('traces', bytes(req))).toThrow(DecodeError);
  });

  it('refuses values nested deeper than 64 levels', () => {
    let v = str(1, 'leaf');
    for (let i = 0; i < 70; i++) v = len(5, len(1, v)); // array_value { values { ... } }
    const span = len(9, [...str(1, 'deep'), ...len(2, v)]);
    expect(() => decodeProto('traces', bytes(len(1, len(2, len(2, span)))))).toThrow(/nested deeper than 64 levels/);
    let ok = str(1, 'leaf');
    for (let i = 0; i < 60; i++) ok = len(5, len(1, ok));
    expect(() => decodeProto('traces', bytes(len(1, len(2, len(2, len(9, [...str(1, 'k'), ...len(2, ok)]))))))).not.toThrow();
  });

  it('survives random garbage with DecodeError only', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const valid = encodeProto('metrics', fullMetrics());
    for (let i = 0; i < 2000; i++) {
      const b = valid.slice();
      for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      for (const signal of ['traces', 'metrics', 'logs'] as const) {
        try {
          decodeProto(signal, b);
          countProtoItems(signal, b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }
    }
  });
});

function minimalBytes(): number[] {
  return str(5, 'first');
}

describe('responses', () => {
  it.each(['traces', 'metrics', 'logs'] as const)('%s: partial success round trips', (signal) => {
    const partial = { rejected: 3, errorMessage: '3 spans had no trace id' };
    expect(decodeProtoResponse(signal, encodeProtoResponse(signal, partial))).toEqual(partial);
    expect(encodeProtoResponse(signal).length).toBe(0);
    expect(decodeProtoResponse(signal, new Uint8Array(0))).toBeUndefined();
  });

  it('writes rejected_* as field 1 and error_message as field 2 of partial_success', () => {
    expect([...encodeProtoResponse('logs', { rejected: 2, errorMessage: 'x' })]).toEqual(len(1, [...tag(1, 0), 2, ...str(2, 'x')]));
  });
});

describe('countProtoItems', () => {
  it.each(cases)('%s: counts the items without decoding', (signal, make) => {
    const data = make() as never;
    const expected = { traces: 4, metrics: 11, logs: 3 }[signal];
    expect(countProtoItems(signal, encodeProto(signal, data))).toBe(expected);
  });

  it('throws DecodeError on a truncated request', () => {
    const full = encodeProto('traces', fullTraces());
    expect(() => countProtoItems('traces', full.subarray(0, full.length - 3))).toThrow(DecodeError);
  });
});

// The validating scan (countProtoItems): every class of malformation, at every nesting level,
// is refused with a DecodeError naming the first bad field, and what it accepts decodes.
// Issue 11 item 1: a request the exporter could not decode must never be acknowledged.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countProtoItems, decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';
import { decodeJson } from '../../../src/pdata/json/index.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import type { Signal } from '../../../src/pdata/types.ts';
import { loadTable, type Field, type Message } from '../../../scripts/codegen/table.ts';
import { fullLogs, fullMetrics, fullTraces } from './fixtures.ts';

// ---- an independent protobuf writer for hand-made inputs ----

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
const bytes = (a: number[]) => new Uint8Array(a);

const ROOT: Record<Signal, { key: string; request: string }> = {
  traces: { key: 'trace.v1.TracesData', request: 'ExportTraceServiceRequest' },
  metrics: { key: 'metrics.v1.MetricsData', request: 'ExportMetricsServiceRequest' },
  logs: { key: 'logs.v1.LogsData', request: 'ExportLogsServiceRequest' },
};

// ---- every message, reached by the shortest chain of fields from a request ----

const table = loadTable(resolve(import.meta.dirname, '../../..'));

interface Place {
  signal: Signal;
  message: Message;
  /** Message fields from the request down to the message. */
  chain: Field[];
}

function places(): Place[] {
  const out: Place[] = [];
  const seen = new Set<Message>();
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const root = table.byKey.get(ROOT[signal].key)!;
    const queue: Array<{ message: Message; chain: Field[] }> = [{ message: root, chain: [] }];
    while (queue.length > 0) {
      const { message, chain } = queue.shift()!;
      if (seen.has(message)) continue;
      seen.add(message);
      out.push({ signal, message, chain });
      for (const f of message.byNumber) if (f.message !== undefined) queue.push({ message: f.message, chain: [...chain, f] });
    }
  }
  return out;
}
const PLACES = places();

/** The request holding `inner` as the body of the message at the end of `chain`. */
function wrap(chain: Field[], inner: number[]): number[] {
  let body = inner;
  for (let i = chain.length - 1; i >= 0; i--) body = len(chain[i].number, body);
  return body;
}

/** The error path the scan must name for the message at the end of `chain`. */
function pathOf(signal: Signal, chain: Field[]): string {
  let p = ROOT[signal].request;
  for (const f of chain) p += `.${f.name}${f.repeated ? '[0]' : ''}`;
  return p;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function refused(signal: Signal, input: number[] | Uint8Array): string {
  try {
    countProtoItems(signal, input instanceof Uint8Array ? input : bytes(input));
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as Error).message;
  }
  throw new Error('the scan accepted it');
}

describe('the validating scan refuses, naming the field', () => {
  it('a field with an invalid wire type in a log record (the 49-byte request of issue 11)', () => {
    const record = [...len(5, str(1, 'poison-bad-wire-type-1')), ...tag(13, 7), 1, 2, 3];
    const req = len(1, len(2, [...len(1, str(1, 'genrf.e2e')), ...len(2, record)]));
    expect(req.length).toBe(49);
    expect(refused('logs', req)).toMatch(/^ExportLogsServiceRequest\.resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]\.field 13: invalid wire type 7 for field 13 at byte \d+$/);
    // The decoder refuses it too: the scan is what keeps it from being acknowledged.
    expect(() => decodeProto('logs', bytes(req))).toThrow(DecodeError);
  });

  it.each(PLACES.map((p) => [p.message.key, p] as const))('an invalid wire type (6 and 7) inside %s', (_, p) => {
    for (const wire of [6, 7]) {
      const message = refused(p.signal, wrap(p.chain, [...tag(99, wire), 0, 0]));
      expect(message).toMatch(new RegExp(`^${escapeRe(pathOf(p.signal, p.chain))}\\.field 99: invalid wire type ${wire} for field 99 at byte \\d+$`));
    }
  });

  it.each(PLACES.map((p) => [p.message.key, p] as const))('a length past the end of the buffer, and one past the end of its parent, inside %s', (_, p) => {
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 2), 50, 1, 2]))).toMatch(/length 50 past end of buffer/);
    if (p.chain.length > 0) {
      // The field claims 5 bytes; its message ends after 2 (the 3 after it belong to the request).
      const message = refused(p.signal, [...wrap(p.chain, [...tag(99, 2), 5, 1, 2]), ...tag(100, 0), 1, 0]);
      expect(message).toMatch(/overruns the end of its message/);
      expect(message.startsWith(pathOf(p.signal, p.chain.slice(0, 1)))).toBe(true);
    }
  });

  it.each(PLACES.map((p) => [p.message.key, p] as const))('a varint of 11 bytes, a truncated varint, a field number 0 and a stray end-group inside %s', (_, p) => {
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 0), ...Array(10).fill(0xff), 1]))).toMatch(/varint longer than 10 bytes/);
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 0), 0xff, 0xff]))).toMatch(/truncated varint/);
    expect(refused(p.signal, wrap(p.chain, [0, 1]))).toMatch(/invalid field number 0/);
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 4)]))).toMatch(/unexpected end-group for field 99/);
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 3), ...tag(1, 0), 1]))).toMatch(/group of field 99 not closed/);
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 1), 1, 2, 3]))).toMatch(/truncated fixed64/);
    expect(refused(p.signal, wrap(p.chain, [...tag(99, 5), 1, 2]))).toMatch(/truncated fixed32/);
  });

  it('a tag cut short is blamed on its message, not on the field read before it (scan and decoder alike)', () => {
    // spans[0] { attributes { key "k" }, then a two-byte tag whose second byte is missing }
    const span = [...len(9, str(1, 'k')), 0x80];
    const req = bytes([...len(1, len(2, len(2, span)))]);
    for (const f of [() => countProtoItems('traces', req), () => decodeProto('traces', req)]) {
      expect(f).toThrow(/^ExportTraceServiceRequest\.resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]: truncated varint at byte \d+$/);
    }
  });

  const stringFields = PLACES.flatMap((p) => p.message.fields.filter((f) => f.repr === 'string' || f.repr === 'key').map((f) => [`${p.message.key}.${f.name}`, p, f] as const));

  it.each(stringFields)('invalid UTF-8 in the string field %s', (_, p, f) => {
    const bad = [[0xff], [0x61, 0x80], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x61, 0x62, 0x63, 0x64, 0xf0, 0x9f, 0x98]];
    for (const b of bad) {
      const message = refused(p.signal, wrap(p.chain, len(f.number, b)));
      expect(message).toMatch(new RegExp(`^${escapeRe(pathOf(p.signal, p.chain))}\\.${f.name}: invalid UTF-8 in a string field at byte \\d+$`));
    }
    // Well-formed multi-byte text of every length is accepted.
    for (const s of ['é', '€uro', '😀', 'aé€😀 mixed ascii text that is longer than a few words']) {
      expect(() => countProtoItems(p.signal, bytes(wrap(p.chain, str(f.number, s))))).not.toThrow();
    }
  });

  const idFields = PLACES.flatMap((p) => p.message.fields.filter((f) => f.repr === 'hex16' || f.repr === 'hex8').map((f) => [`${p.message.key}.${f.name}`, p, f] as const));

  it.each(idFields)('an id of the wrong length in %s (OTLP/JSON refuses it too)', (_, p, f) => {
    const size = f.repr === 'hex16' ? 16 : 8;
    for (const n of [1, size - 1, size + 1, 32]) {
      const message = refused(p.signal, wrap(p.chain, len(f.number, Array(n).fill(7))));
      expect(message).toMatch(new RegExp(`\\.${f.name}: an id must be ${size} bytes or empty, got ${n} bytes`));
    }
    for (const n of [0, size]) expect(() => countProtoItems(p.signal, bytes(wrap(p.chain, len(f.number, Array(n).fill(7)))))).not.toThrow();
  });

  const packedFields = PLACES.flatMap((p) => p.message.fields.filter((f) => f.packedTag !== undefined).map((f) => [`${p.message.key}.${f.name}`, p, f] as const));

  it.each(packedFields)('a packed %s of the wrong length', (_, p, f) => {
    if (f.wire === 0) {
      // Varints: the last one runs past the packed field's end.
      expect(refused(p.signal, [...wrap(p.chain, [...len(f.number, [1, 0x80])]), ...tag(100, 0), 1])).toMatch(new RegExp(`\\.${f.name}: `));
    } else {
      const size = f.wire === 1 ? 8 : 4;
      for (const n of [1, size - 1, size + 1, 2 * size + 3]) {
        expect(refused(p.signal, wrap(p.chain, len(f.number, Array(n).fill(0))))).toMatch(new RegExp(`\\.${f.name}: packed field length ${n} is not a multiple of ${size}`));
      }
    }
    expect(() => countProtoItems(p.signal, bytes(wrap(p.chain, len(f.number, Array(f.wire === 1 ? 16 : 2).fill(1)))))).not.toThrow();
  });
});

describe('nesting depth: 64 levels are fine, 65 are refused, in protobuf and in OTLP/JSON alike', () => {
  /** An AnyValue nested `depth` levels, alternating arrays and kvlists when `mixed`. */
  function nestedProto(depth: number, kind: 'array' | 'kvlist' | 'mixed'): number[] {
    let v = str(1, 'leaf');
    for (let i = 0; i < depth; i++) {
      const array = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
      v = array ? len(5, len(1, v)) : len(6, len(1, [...str(1, 'k'), ...len(2, v)]));
    }
    return v;
  }
  function nestedJson(depth: number, kind: 'array' | 'kvlist' | 'mixed'): unknown {
    let v: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < depth; i++) {
      const array = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
      v = array ? { arrayValue: { values: [v] } } : { kvlistValue: { values: [{ key: 'k', value: v }] } };
    }
    return v;
  }
  const logBody = (body: number[]) => bytes(len(1, len(2, len(2, len(5, body)))));
  const spanAttr = (value: number[]) => bytes(len(1, len(2, len(2, len(9, [...str(1, 'k'), ...len(2, value)])))));

  it.each(['array', 'kvlist', 'mixed'] as const)('%s values in a log body and in a span attribute', (kind) => {
    expect(countProtoItems('logs', logBody(nestedProto(64, kind)))).toBe(1);
    expect(decodeProto('logs', logBody(nestedProto(64, kind))).resourceLogs[0].scopeLogs[0].logRecords[0].body).toEqual(
      decodeJson('logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: nestedJson(64, kind) }] }] }] })).resourceLogs[0].scopeLogs[0].logRecords[0].body,
    );
    expect(refused('logs', logBody(nestedProto(65, kind)))).toMatch(
      /^ExportLogsServiceRequest\.resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]\.body\.(array|kvlist)_value\..*: values nested deeper than 64 levels at byte \d+$/,
    );
    expect(countProtoItems('traces', spanAttr(nestedProto(64, kind)))).toBe(1);
    expect(refused('traces', spanAttr(nestedProto(65, kind)))).toMatch(/spans\[0\]\.attributes\[0\]\.value\..*nested deeper than 64 levels/);
    const json = (depth: number) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: nestedJson(depth, kind) }] }] }] });
    expect(() => decodeJson('logs', json(64))).not.toThrow();
    expect(() => decodeJson('logs', json(65))).toThrow(/nested deeper than 64 levels/);
  });

  it('a refused OTLP/JSON request does not lower the limit for the requests after it', () => {
    const json = (depth: number) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: nestedJson(depth, 'kvlist') }] }] }] });
    for (let i = 0; i < 100; i++) expect(() => decodeJson('logs', json(65))).toThrow(/nested deeper than 64 levels/);
    expect(() => decodeJson('logs', json(64))).not.toThrow();
  });
});

describe('what the scan accepts', () => {
  it.each([
    ['traces', fullTraces, 4],
    ['metrics', fullMetrics, 11],
    ['logs', fullLogs, 3],
  ] as const)('%s: a full request, with its items counted', (signal, make, items) => {
    expect(countProtoItems(signal, encodeProto(signal, make() as never))).toBe(items);
  });

  it("counts the data points of the last member of a metric's data oneof, as the decoder keeps it", () => {
    const point = len(1, [...tag(4, 1), 0, 0, 0, 0, 0, 0, 0, 0]);
    const metric = [...str(1, 'm'), ...len(5, [...point, ...point, ...point]), ...len(7, point)];
    const req = bytes(len(1, len(2, len(2, metric))));
    expect(countProtoItems('metrics', req)).toBe(1);
    expect(decodeProto('metrics', req).resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints.length).toBe(1);
  });

  it('skips unknown fields of every wire type, including groups, at every level', () => {
    const unknown = [...tag(100, 0), ...varint(-1), ...tag(101, 1), 1, 2, 3, 4, 5, 6, 7, 8, ...len(102, [0xff, 0xfe]), ...tag(103, 5), 1, 2, 3, 4, ...tag(104, 3), ...tag(1, 0), 5, ...tag(104, 4)];
    for (const p of PLACES) expect(() => countProtoItems(p.signal, bytes(wrap(p.chain, unknown)))).not.toThrow();
  });

  it('a known field with another wire type is skipped as unknown, as the decoder does', () => {
    // severity_text (3) as a varint, body (5) as a fixed32: protobuf treats both as unknown fields.
    const record = [...tag(3, 0), 5, ...tag(5, 5), 1, 2, 3, 4, ...str(3, 'INFO')];
    const req = bytes(len(1, len(2, len(2, record))));
    expect(countProtoItems('logs', req)).toBe(1);
    expect(decodeProto('logs', req).resourceLogs[0].scopeLogs[0].logRecords[0]).toMatchObject({ severityText: 'INFO', body: undefined });
  });
});

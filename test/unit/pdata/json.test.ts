import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJson, decodeJsonResponse, encodeJson, encodeJsonFromProto, encodeJsonLine, encodeJsonLineFromProto, encodeJsonResponse } from '../../../src/pdata/json/index.ts';
import { decodeProto, encodeProto } from '../../../src/pdata/proto/index.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import type { Signal } from '../../../src/pdata/types.ts';
import { fullLogs, fullMetrics, fullTraces, INT64_MIN, UINT64_MAX } from './fixtures.ts';

const CONFORMANCE = '/work/shared/conformance/otlp';
const SIGNAL_OF: Record<string, Signal> = { 'trace.json': 'traces', 'metrics.json': 'metrics', 'logs.json': 'logs', 'events.json': 'logs' };

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id', 'parent_span_id']);
const INTEGER_RE = /^-?\d+$/;

/**
 * An independent normal form of OTLP/JSON (does not use the codec): camelCase keys,
 * lowercase ids, integers (as numbers or strings) as canonical decimal strings, and default
 * values (0, "", false, empty arrays and objects) dropped.
 */
function normalize(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => normalize(x));
    return items;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const n = normalize(x, camel);
      if (isDefault(n)) continue;
      out[camel] = n;
    }
    return out;
  }
  if (typeof v === 'string' && ID_KEYS.has(key)) return v.toLowerCase();
  if (typeof v === 'string' && INTEGER_RE.test(v)) return BigInt(v).toString();
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return v;
}

function isDefault(v: unknown): boolean {
  if (v === '' || v === '0' || v === 0 || v === false || v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

describe('conformance: the official OTLP/JSON examples', () => {
  const files = readdirSync(CONFORMANCE).filter((f) => f.endsWith('.json'));

  it('covers the four example files', () => {
    expect(files.sort()).toEqual(['events.json', 'logs.json', 'metrics.json', 'trace.json']);
  });

  it.each(files)('%s: JSON -> protobuf -> JSON loses nothing', (file) => {
    const signal = SIGNAL_OF[file];
    const text = readFileSync(join(CONFORMANCE, file), 'utf8');
    const viaProto = decodeProto(signal, encodeProto(signal, decodeJson(signal, text)));
    const out = encodeJson(signal, viaProto);
    expect(out).not.toContain('\n');
    expect(normalize(JSON.parse(out))).toEqual(normalize(JSON.parse(text)));
  });

  it.each(files)('%s: our protobuf -> JSON -> protobuf is byte-identical', (file) => {
    const signal = SIGNAL_OF[file];
    const bytes1 = encodeProto(signal, decodeJson(signal, readFileSync(join(CONFORMANCE, file))));
    const bytes2 = encodeProto(signal, decodeJson(signal, encodeJson(signal, decodeProto(signal, bytes1))));
    expect(Buffer.from(bytes2).equals(Buffer.from(bytes1))).toBe(true);
  });

  it('reads what the examples say (spot checks)', () => {
    const traces = decodeJson('traces', readFileSync(join(CONFORMANCE, 'trace.json')));
    const span = traces.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(span.kind).toBe(2);
    expect(span.startTimeUnixNano).toBe(1544712660000000000n);
    const events = decodeJson('logs', readFileSync(join(CONFORMANCE, 'events.json')));
    const rec = events.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(rec.eventName).toBe('browser.page_view');
    expect(rec.body?.kvlistValue?.values[0]).toEqual({ key: 'type', value: { intValue: 0n } });
    const metrics = decodeJson('metrics', readFileSync(join(CONFORMANCE, 'metrics.json')));
    const hist = metrics.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.histogram)!.histogram!.dataPoints[0];
    expect(hist).toMatchObject({ count: 2, sum: 2, bucketCounts: [1, 1], explicitBounds: [1], min: 0, max: 2 });
  });
});

describe('own fixtures', () => {
  const cases: Array<[Signal, () => unknown]> = [
    ['traces', fullTraces],
    ['metrics', fullMetrics],
    ['logs', fullLogs],
  ];

  it.each(cases)('%s: every field survives encode then decode', (signal, make) => {
    const data = make() as never;
    expect(decodeJson(signal, encodeJson(signal, data))).toStrictEqual(data);
  });

  it('writes 64-bit integers as strings, doubles specially, bytes as base64, ids lowercase', () => {
    const out = JSON.parse(encodeJson('traces', fullTraces()));
    const span = out.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.endTimeUnixNano).toBe(UINT64_MAX.toString());
    const attr = (k: string) => span.attributes.find((a: { key: string }) => a.key === k).value;
    expect(attr('i.min')).toEqual({ intValue: INT64_MIN.toString() });
    expect(attr('d.nan')).toEqual({ doubleValue: 'NaN' });
    expect(attr('d.ninf')).toEqual({ doubleValue: '-Infinity' });
    expect(attr('bytes')).toEqual({ bytesValue: Buffer.from([0, 1, 2, 250, 255]).toString('base64') });
    // oneof members keep their default values: presence is the information.
    expect(attr('i.zero')).toEqual({ intValue: '0' });
    expect(attr('empty.string')).toEqual({ stringValue: '' });
    expect(attr('b.false')).toEqual({ boolValue: false });
    expect(span.kind).toBe(2);
    expect(span.status).toEqual({ message: 'boom', code: 2 });
  });

  it('omits defaults but keeps set optional fields (min 0, sum 0, asDouble 0)', () => {
    const out = JSON.parse(encodeJson('metrics', fullMetrics()));
    const metrics = out.resourceMetrics[0].scopeMetrics[0].metrics;
    const hist = metrics[2].histogram.dataPoints;
    expect(hist[0].min).toBe(0);
    expect(hist[0].sum).toBe(0);
    expect(hist[1]).not.toHaveProperty('min');
    expect(hist[1]).not.toHaveProperty('sum');
    expect(metrics[0].gauge.dataPoints[1]).toEqual({ timeUnixNano: '1544712660300000000', asDouble: 0 });
    expect(metrics[1].sum.dataPoints[1]).toMatchObject({ asInt: '0' });
    expect(metrics[5]).toEqual({ name: 'empty.gauge', gauge: {} });
    expect(metrics[3].exponentialHistogram.dataPoints[0].negative).toEqual({ offset: -7, bucketCounts: ['5', String(2 ** 40)] });
  });

  it('escapes strings exactly as JSON.stringify does, short and long, ASCII or not', () => {
    // The encoder appends plain ASCII strings without JSON.stringify; every other string must come out the same.
    const samples = [
      'plain',
      '',
      'a"b',
      'back\\slash',
      'tab\there',
      '\u0000\u001f',
      'del\u007f',
      'grüße',
      '\u2028\u2029',
      'lone \ud800 high',
      'lone \udc00 low',
      '🎉',
      'x'.repeat(47) + '"',
      'x'.repeat(200),
      'x'.repeat(200) + '\n',
      'y'.repeat(60) + '\udfff',
    ];
    for (const s of samples) {
      const text = encodeJson('logs', {
        resourceLogs: [
          {
            resource: { attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeLogs: [{ scope: { name: s, version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', logRecords: [] }],
          },
        ],
      });
      expect(text).toBe(`{"resourceLogs":[{"scopeLogs":[{${s === '' ? '' : `"scope":{"name":${JSON.stringify(s)}}`}}]}]}`);
    }
  });
});

describe('encodeJsonFromProto (protobuf to OTLP/JSON a resource at a time)', () => {
  const twice = (signal: Signal, data: unknown) => {
    const one = encodeProto(signal, data as never);
    return Buffer.concat([one, one, Buffer.from([0x10, 0x05])]); // two resources and an unknown field
  };
  const cases: Array<[Signal, () => unknown]> = [
    ['traces', fullTraces],
    ['metrics', fullMetrics],
    ['logs', fullLogs],
  ];

  it.each(cases)('%s: writes exactly what encodeJson writes after decodeProto', (signal, make) => {
    const bytes = twice(signal, make());
    const out = encodeJsonFromProto(signal, bytes);
    expect(out).toBe(encodeJson(signal, decodeProto(signal, bytes)));
    const resources = (text: string) => (Object.values(JSON.parse(text))[0] as unknown[]).length;
    expect(resources(out)).toBe(2 * resources(encodeJson(signal, make() as never)));
    expect(encodeJsonFromProto(signal, new Uint8Array(0))).toBe('{}');
    expect(encodeJsonLineFromProto(signal, bytes).toString()).toBe(`${out}\n`);
    expect(encodeJsonLineFromProto(signal, new Uint8Array(0)).toString()).toBe('{}\n');
    expect(encodeJsonLine(signal, decodeProto(signal, bytes)).equals(Buffer.from(`${out}\n`))).toBe(true);
  });

  it('writes the UTF-8 line byte for byte as Buffer.from(text) does, across scratch growth and non-ASCII text', () => {
    // Non-ASCII names and bodies (2-, 3- and 4-byte characters, and strings of 64 KiB and
    // more, past the scratch's first size) in many resources.
    const data = fullLogs();
    const rl = data.resourceLogs[0];
    const big = 'é✓😀'.repeat(7000) + 'x'.repeat(70_000);
    const resources = Array.from({ length: 12 }, (_, i) => ({
      ...rl,
      scopeLogs: rl.scopeLogs.map((sl) => ({ ...sl, logRecords: sl.logRecords.map((r) => ({ ...r, body: { stringValue: i % 3 === 0 ? big.slice(i) : `rés ${i} ✓` } })) })),
    }));
    const bytes = encodeProto('logs', { resourceLogs: resources });
    const text = encodeJsonFromProto('logs', bytes);
    expect(text.length).toBeGreaterThan(4 * 64 * 1024);
    for (let round = 0; round < 2; round++) expect(encodeJsonLineFromProto('logs', bytes).equals(Buffer.from(`${text}\n`))).toBe(true);
    expect(encodeJsonLine('logs', decodeProto('logs', bytes)).equals(Buffer.from(`${text}\n`))).toBe(true);
    // The text kept for take() when no sink is set is whole: encodeJson after the line encoders.
    expect(encodeJson('logs', decodeProto('logs', bytes))).toBe(text);
    // A small request after a large one: only its own bytes.
    const small = encodeProto('logs', fullLogs());
    expect(encodeJsonLineFromProto('logs', small).toString()).toBe(`${encodeJsonFromProto('logs', small)}\n`);
  });

  it('leaves nothing behind when it throws half way: the next encode writes only its own text', () => {
    const one = fullTraces();
    const data = { resourceSpans: Array.from({ length: 40 }, () => one.resourceSpans[0]) };
    const whole = encodeJson('traces', data);
    expect(whole.length).toBeGreaterThan(32 * 1024); // past the writer's flush size
    const bytes = twice('traces', data);
    expect(() => encodeJsonLineFromProto('traces', bytes.subarray(0, bytes.length - 40))).toThrow(DecodeError);
    expect(encodeJson('traces', data)).toBe(whole);
    expect(encodeJsonLine('traces', data).toString()).toBe(`${whole}\n`);
  });

  it('throws the DecodeError decodeProto throws, with its path, for every truncation', () => {
    const bytes = twice('traces', fullTraces());
    for (let i = 1; i < bytes.length; i++) {
      const cut = bytes.subarray(0, i);
      let expected = '';
      try {
        decodeProto('traces', cut);
      } catch (e) {
        expected = (e as Error).message;
      }
      if (expected === '') expect(encodeJsonFromProto('traces', cut)).toBe(encodeJson('traces', decodeProto('traces', cut)));
      else {
        expect(() => encodeJsonFromProto('traces', cut)).toThrow(new DecodeError(expected));
        expect(() => encodeJsonLineFromProto('traces', cut)).toThrow(new DecodeError(expected));
      }
    }
  });
});

describe('lenient input', () => {
  it('accepts snake_case names, enum names, numbers for 64-bit fields and uppercase hex', () => {
    const text = JSON.stringify({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: '5B8EFFF798038103D269B633813FC60C',
                  span_id: 'EEE19B7EC3C1B174',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: 1000,
                  dropped_attributes_count: '4',
                  status: { code: 'STATUS_CODE_ERROR' },
                  attributes: [
                    { key: 'n', value: { int_value: 5 } },
                    { key: 'd', value: { double_value: 'Infinity' } },
                    { key: 'b', value: { bytes_value: 'AAH/' } },
                  ],
                  some_future_field: { ignored: true },
                },
              ],
            },
          ],
        },
      ],
    });
    const span = decodeJson('traces', text).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      kind: 2,
      startTimeUnixNano: 1000n,
      droppedAttributesCount: 4,
      status: { message: '', code: 2 },
    });
    expect(span.attributes.map((a) => a.value)).toEqual([{ intValue: 5n }, { doubleValue: Infinity }, { bytesValue: new Uint8Array([0, 1, 255]) }]);
  });

  it('accepts severity and temporality names', () => {
    const logs = decodeJson('logs', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_WARN2"}]}]}]}');
    expect(logs.resourceLogs[0].scopeLogs[0].logRecords[0].severityNumber).toBe(14);
    const metrics = decodeJson('metrics', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE"}}]}]}]}');
    expect(metrics.resourceMetrics[0].scopeMetrics[0].metrics[0].sum!.aggregationTemporality).toBe(2);
  });
});

describe('malformed JSON', () => {
  const fails = (signal: Signal, text: string) => {
    try {
      decodeJson(signal, text);
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      return (e as Error).message;
    }
    throw new Error('expected a DecodeError');
  };

  it('names the JSON path of a bad id', () => {
    expect(fails('traces', '{"resourceSpans":[{"scopeSpans":[{"spans":[{},{},{"traceId":"xyz"}]}]}]}')).toBe('resourceSpans[0].scopeSpans[0].spans[2].traceId: "xyz" is not 32 hex digits');
  });

  it('names the path of bad numbers, enums, base64 and shapes', () => {
    expect(fails('metrics', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1","x"]}]}}]}]}]}')).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[1]: "x" is not an unsigned 64-bit integer',
    );
    expect(fails('traces', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SERVER"}]}]}]}')).toMatch(
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.kind: "SERVER" is not one of SPAN_KIND_UNSPECIFIED/,
    );
    expect(fails('logs', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"!!"}}]}]}]}')).toBe('resourceLogs[0].scopeLogs[0].logRecords[0].body.bytesValue: "!!" is not base64');
    expect(fails('logs', '{"resourceLogs":{}}')).toBe('resourceLogs: an object is not an array');
    expect(fails('logs', '{"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":{"intValue":"99999999999999999999"}}]}}]}')).toBe(
      'resourceLogs[0].resource.attributes[0].value.intValue: "99999999999999999999" is not a signed 64-bit integer',
    );
    expect(fails('traces', '[]')).toMatch(/must be a JSON object/);
  });

  it('gives the position of a syntax error', () => {
    expect(fails('traces', '{"resourceSpans":[}')).toMatch(/^invalid JSON at position 18 \(line 1 column 19\)/);
    expect(fails('traces', '{\n"a":tru}')).toMatch(/^invalid JSON at position 9 \(line 2 column 8\)/);
    expect(fails('traces', '')).toMatch(/^invalid JSON at position 0/);
  });

  it('refuses values nested deeper than 64 levels', () => {
    let v = '{"stringValue":"x"}';
    for (let i = 0; i < 70; i++) v = `{"arrayValue":{"values":[${v}]}}`;
    expect(fails('logs', `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${v}}]}]}]}`)).toMatch(/nested deeper than 64 levels/);
  });
});

describe('responses', () => {
  it.each([
    ['traces', 'rejectedSpans'],
    ['metrics', 'rejectedDataPoints'],
    ['logs', 'rejectedLogRecords'],
  ] as const)('%s: partial success uses %s', (signal, key) => {
    const text = encodeJsonResponse(signal, { rejected: 2, errorMessage: 'bad' });
    expect(JSON.parse(text)).toEqual({ partialSuccess: { [key]: '2', errorMessage: 'bad' } });
    expect(decodeJsonResponse(signal, text)).toEqual({ rejected: 2, errorMessage: 'bad' });
    expect(encodeJsonResponse(signal)).toBe('{}');
    expect(decodeJsonResponse(signal, '{}')).toBeUndefined();
  });
});

// The official OTLP/JSON examples, and our own edge cases (every field set, extreme 64-bit
// values, unset proto3-optional fields, empty values, unicode), go in over OTLP/HTTP (JSON,
// gzip'd JSON and protobuf) and must come out of the file exporter with every field intact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, type Daemon } from './helpers/daemon.ts';
import { OTLP_CASES } from './helpers/cases.ts';
import { startFileSink } from './helpers/file-sink.ts';
import { normalize, postOtlp, waitForLines, HTTP_PATH, type Signal } from './helpers/otlp.ts';
// Used only to build the protobuf bodies. The independent check is the JSON path above it:
// the fixture is compared to the output by a normalizer written in the test, so a codec bug
// that loses a field shows up there even if encode and decode agree with each other.
import { decodeJson } from '../../src/pdata/json/index.ts';
import { encodeProto } from '../../src/pdata/proto/index.ts';

let daemon: Daemon | undefined;
let port = 0;
let dir = '';
const out = (signal: Signal) => join(dir, `${signal}.jsonl`);
/** Lines each output file should hold so far: requests are sent one at a time. */
const written: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };

beforeAll(async () => {
  dir = await tempDir();
  port = await freePort();
  daemon = await startFileSink({ dir, http: port, out });
});

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
});

/** Sends one request and returns the line it produced in the signal's file. */
async function roundTrip(signal: Signal, body: string | Uint8Array, headers: Record<string, string> = {}, contentType?: string) {
  const res = await postOtlp(port, HTTP_PATH[signal], body, { headers, contentType });
  expect(res.status, res.text).toBe(200);
  written[signal]++;
  const lines = await waitForLines(out(signal), written[signal]);
  expect(lines).toHaveLength(written[signal]);
  return { res, line: lines[written[signal] - 1] };
}

describe.each(OTLP_CASES)('$file', ({ dir: fixtures, file, signal }) => {
  const text = readFileSync(join(fixtures, file), 'utf8');
  const expected = normalize(JSON.parse(text));

  it('goes in as OTLP/JSON and comes out of the file exporter unchanged', async () => {
    const { res, line } = await roundTrip(signal, text);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // A full success carries no partialSuccess (or an empty one).
    const answer = JSON.parse(res.text);
    expect(answer.partialSuccess?.rejectedSpans ?? answer.partialSuccess?.rejectedLogRecords ?? answer.partialSuccess?.rejectedDataPoints ?? 0).toBe(0);
    expect(normalize(line)).toEqual(expected);
  });

  it('goes in as gzip-compressed OTLP/JSON and comes out unchanged', async () => {
    const { line } = await roundTrip(signal, gzipSync(text), { 'content-encoding': 'gzip' }, 'application/json');
    expect(normalize(line)).toEqual(expected);
  });

  it('goes in as OTLP/protobuf and comes out unchanged', async () => {
    const proto = encodeProto(signal, decodeJson(signal, text));
    const { res, line } = await roundTrip(signal, proto);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(normalize(line)).toEqual(expected);
  });
});

it('the normalizer keeps proto3-optional zeros and ignores id case (so the checks above can fail)', () => {
  const a = normalize({ traceId: 'AB', count: 2, sum: 0, min: 0, flags: 0, name: '' });
  expect(a).toEqual({ traceId: 'ab', count: '2', sum: 0, min: 0 });
  expect(normalize({ sum: 0 })).not.toEqual(normalize({}));
  expect(normalize({ stringValue: '' })).not.toEqual(normalize({}));
});

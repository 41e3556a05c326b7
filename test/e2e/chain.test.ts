// Daemon A forwards to daemon B over the `otlp` (gRPC) and `otlphttp` (protobuf and JSON)
// exporters; what goes into A comes out of B's file exporter unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from './helpers/daemon.ts';
import { OTLP_CASES } from './helpers/cases.ts';
import { startFileSink } from './helpers/file-sink.ts';
import { normalize, postOtlp, readJsonLines, HTTP_PATH, TOP_KEY, type Signal } from './helpers/otlp.ts';
// Only to build protobuf bodies for A (the pass-through path: A forwards the bytes it got).
// The check stays independent: B's output is compared to the JSON fixture by the normalizer.
import { decodeJson } from '../../src/pdata/json/index.ts';
import { encodeProto } from '../../src/pdata/proto/index.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const PATHS = ['grpc', 'proto', 'json'] as const;
type Path = (typeof PATHS)[number];

let a: Daemon | undefined;
let b: Daemon | undefined;
let dir = '';
const aPort: Record<Path, number> = { grpc: 0, proto: 0, json: 0 };
const out = (signal: Signal) => join(dir, `b-${signal}.jsonl`);

beforeAll(async () => {
  dir = await tempDir();
  const [bGrpc, bHttp] = [await freePort(), await freePort()];
  for (const p of PATHS) aPort[p] = await freePort();
  b = await startFileSink({ dir, grpc: bGrpc, http: bHttp, out });
  // One receiver per path, so that each request leaves A through exactly one exporter.
  const retry = 'retry_on_failure: { initial_interval: 100ms, max_interval: 500ms }';
  const pipelines = PATHS.flatMap((p) =>
    (['traces', 'metrics', 'logs'] as const).map((s) => `    ${s}/${p}: { receivers: [otlp/${p}], exporters: [${p === 'grpc' ? 'otlp' : `otlphttp/${p}`}] }`),
  ).join('\n');
  a = await startDaemon(
    `
receivers:
${PATHS.map((p) => `  otlp/${p}: { protocols: { http: { endpoint: 127.0.0.1:${aPort[p]} } } }`).join('\n')}
exporters:
  otlp:
    endpoint: 127.0.0.1:${bGrpc}
    tls: { insecure: true }
    compression: gzip
    headers: { x-genrf-tenant: e2e }
    ${retry}
  otlphttp/proto:
    endpoint: http://127.0.0.1:${bHttp}
    encoding: proto
    compression: gzip
    ${retry}
  otlphttp/json:
    endpoint: http://127.0.0.1:${bHttp}
    encoding: json
    headers: { x-genrf-tenant: e2e }
    ${retry}
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
${pipelines}
`,
    { dir },
  );
});

afterAll(async () => {
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  expect(codes).toEqual([0, 0]);
});

/** The fixture with a resource attribute naming this request, so it can be found in B's file. */
function tagged(fixture: Json, signal: Signal, tag: string): Json {
  const copy = structuredClone(fixture);
  for (const r of copy[TOP_KEY[signal]]) {
    r.resource ??= {};
    r.resource.attributes = [...(r.resource.attributes ?? []), { key: 'e2e.request', value: { stringValue: tag } }];
  }
  return copy;
}

function tagOf(line: Json, signal: Signal): string | undefined {
  const attrs = line[TOP_KEY[signal]]?.[0]?.resource?.attributes ?? [];
  return attrs.find((kv: Json) => kv.key === 'e2e.request')?.value?.stringValue;
}

const INPUTS = OTLP_CASES.flatMap((c) => (['json', 'protobuf'] as const).map((input) => ({ ...c, input })));

describe.each(PATHS)('A -> B over %s', (path) => {
  it.each(INPUTS)('$file sent to A as $input arrives in B unchanged', async ({ dir: fixtures, file, signal, input }) => {
    const tag = `${path}:${input}:${file}`;
    const request = tagged(JSON.parse(readFileSync(join(fixtures, file), 'utf8')), signal, tag);
    const text = JSON.stringify(request);
    const body = input === 'json' ? text : encodeProto(signal, decodeJson(signal, text));
    const res = await postOtlp(aPort[path], HTTP_PATH[signal], body);
    expect(res.status, res.text).toBe(200);
    let found: Json[] = [];
    await waitFor(async () => (found = (await readJsonLines(out(signal))).filter((l) => tagOf(l, signal) === tag)).length > 0, 10_000).catch(() => {
      throw new Error(`request ${tag} did not arrive in B's file\n--- A ---\n${a?.stderr()}`);
    });
    expect(found).toHaveLength(1);
    expect(normalize(found[0])).toEqual(normalize(request));
  });
});

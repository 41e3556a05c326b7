// Runs pipeline tests: for each test, the pipeline files are loaded and built for real with
// every exporter replaced by a capture, the inputs are decoded by their receivers and pushed,
// the pipelines are stopped (so batches flush and connectors emit), and what each exporter
// got is checked against the expectations.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { Batch } from '../pdata/batch.ts';
import { decodeJson } from '../pdata/json/index.ts';
import type { Signal } from '../pdata/types.ts';
import type { Exporter, ExporterPreview, ReceiverInput } from '../pipeline/component.ts';
import { Harness } from '../pipeline/harness.ts';
import { loadAndBuild, type EngineParts } from '../pipeline/load.ts';
import { checkExpectation, type Style } from './check.ts';
import { flatten, type FlatRecord } from './records.ts';
import type { TestCase, TestFile, TestInput } from './spec.ts';

export interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  /** Why it failed, ready to print. */
  lines: string[];
}

const SIGNAL_OF: Record<string, Signal> = { resourceSpans: 'traces', resourceMetrics: 'metrics', resourceLogs: 'logs' };
const utf8 = new TextEncoder();

/** Stands in for one exporter: keeps what arrives, as records and (when it has one) as its own output. */
class Capture implements Exporter {
  readonly mutates = false;
  readonly records: FlatRecord[] = [];
  readonly preview: ExporterPreview | undefined;
  constructor(preview: ExporterPreview | undefined) {
    this.preview = preview;
  }
  consume(batch: Batch): Promise<void> {
    for (const r of flatten(batch.signal, batch.data)) this.records.push(r);
    this.preview?.consume(batch);
    return Promise.resolve();
  }
  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export async function runTestCase(file: string, spec: TestFile, t: TestCase, parts: EngineParts, style: Style): Promise<CaseResult> {
  const started = Date.now();
  const lines: string[] = [];
  const done = (): CaseResult => ({ name: t.name, ok: lines.length === 0, ms: Date.now() - started, lines });
  const dir = dirname(file);
  const env = { ...spec.env, ...t.env };
  const { config, diagnostics } = await loadAndBuild(
    (t.pipelines ?? spec.pipelines).map((p) => resolve(dir, p)),
    parts,
    env,
  );
  if (!config) {
    lines.push('the pipeline files are not valid:', ...diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${formatDiagnostic(d)}`));
    return done();
  }
  const captures = new Map<string, Capture>();
  const harness = new Harness(config, parts, (id, signal, c, settings) => {
    const cap = new Capture(c.factory.preview?.(settings, c.config, signal));
    captures.set(`${id}@${signal}`, cap);
    return cap;
  });
  await harness.start();
  try {
    for (const [i, input] of t.inputs.entries()) {
      let list: ReceiverInput[];
      try {
        list = receiverInputs(input, dir);
      } catch (err) {
        lines.push(`inputs[${i}]: ${(err as Error).message}`);
        continue;
      }
      for (const [j, ri] of list.entries()) {
        try {
          await harness.push(input.receiver, ri);
        } catch (err) {
          const what = list.length > 1 ? `inputs[${i}].messages[${j}]` : `inputs[${i}]`;
          lines.push(style.red(`${what}: receiver ${input.receiver} refused it: ${(err as Error).message}`));
        }
      }
    }
  } finally {
    await harness.stop();
  }
  for (const [key, exp] of Object.entries(t.expect)) {
    const at = key.lastIndexOf('@');
    const [id, signal] = at > 0 ? [key.slice(0, at), key.slice(at + 1)] : [key, undefined];
    const matched = [...captures.entries()].filter(([k]) => (signal === undefined ? k.slice(0, k.lastIndexOf('@')) === id : k === key));
    if (matched.length === 0) {
      lines.push(style.red(`expect.${key}: no exporter ${key} in these pipelines (exporters: ${[...captures.keys()].join(', ')})`));
      continue;
    }
    const records = matched.flatMap(([, c]) => c.records);
    const previews = matched.map(([, c]) => c.preview).filter((p): p is ExporterPreview => p !== undefined);
    lines.push(...checkExpectation(key, exp, records, previews.length > 0 ? previews.map((p) => p.text()).join('\n') : undefined, style));
  }
  if (t.nothing_elsewhere) {
    const named = Object.keys(t.expect);
    for (const [k, c] of captures) {
      const id = k.slice(0, k.lastIndexOf('@'));
      if (named.includes(k) || named.includes(id) || c.records.length === 0) continue;
      lines.push(style.red(`nothing_elsewhere: ${k} received ${c.records.length} record(s):`));
      for (const r of c.records.slice(0, 5)) lines.push(`    ${r.signal} ${oneLineOf(r)}`);
    }
  }
  if (lines.length > 0) {
    const drops = harness.metrics.snapshot().filter((s) => s.name === 'genrf_collector_dropped_items_total' && s.value > 0);
    for (const d of drops) lines.push(style.dim(`note: ${d.labels.component} dropped ${d.value} ${d.labels.otel_signal} item(s) (${d.labels.reason})`));
  }
  return done();
}

function oneLineOf(r: FlatRecord): string {
  return [...r.fields]
    .filter(([k]) => k === 'scope.name' || k === 'name' || k === 'body')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
}

/** The wire form of one test input: request bodies or message values, as the receiver gets them. */
export function receiverInputs(input: TestInput, dir: string): ReceiverInput[] {
  if (input.messages !== undefined) {
    const signal = input.signal!;
    return input.messages.map((m) => {
      if (typeof m === 'string') return { signal, body: utf8.encode(m) };
      const o = m as { value?: unknown; otlp_proto?: Record<string, unknown>; headers?: Record<string, string> };
      const isWrapped = o.value !== undefined || o.otlp_proto !== undefined;
      if (!isWrapped) return { signal, body: utf8.encode(JSON.stringify(m)) };
      const headers = Object.entries(o.headers ?? {});
      if (o.otlp_proto !== undefined) return { signal, body: Batch.of(signal, decodeJson(signal, JSON.stringify(o.otlp_proto))).toProto(), headers };
      return { signal, body: utf8.encode(typeof o.value === 'string' ? o.value : JSON.stringify(o.value)), headers };
    });
  }
  let signal: Signal;
  let request: unknown;
  if (input.file !== undefined) {
    const path = resolve(dir, input.file);
    request = JSON.parse(readFileSync(path, 'utf8'));
    const key = Object.keys(request as object).find((k) => SIGNAL_OF[k] !== undefined);
    if (key === undefined) throw new Error(`${input.file} is not an OTLP/JSON export request (no resourceSpans, resourceMetrics or resourceLogs)`);
    signal = SIGNAL_OF[key];
  } else {
    signal = input.traces !== undefined ? 'traces' : input.metrics !== undefined ? 'metrics' : 'logs';
    request = input[signal];
  }
  const json = typeof request === 'string' ? request : JSON.stringify(request);
  if (input.format === 'proto') return [{ signal, format: 'proto', body: Batch.of(signal, decodeJson(signal, json)).toProto() }];
  return [{ signal, format: 'json', body: utf8.encode(json) }];
}

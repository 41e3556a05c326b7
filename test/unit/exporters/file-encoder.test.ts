// The file exporter's encoder threads (encoder_threads): protobuf batches are turned into
// OTLP/JSON off the main thread, with the same bytes, the same order and the same errors as
// encoding on the main thread.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireEncoder } from '../../../src/exporters/file/encoder-pool.ts';
import { fileExporterFactory } from '../../../src/exporters/file/factory.ts';
import { silentLogger } from '../../../src/telemetry/logger.ts';
import { Batch } from '../../../src/pdata/batch.ts';
import { decodeJson, encodeJson } from '../../../src/pdata/json/index.ts';
import { encodeProto } from '../../../src/pdata/proto/index.ts';
import type { Signal } from '../../../src/pdata/types.ts';
import { benchTraces } from '../../../bench/spans.ts';
import { testSettings, type TestSettings } from '../../helpers/settings.ts';
import { metricValue } from './fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genrf-file-enc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const host = { components: () => [] };
const CONFORMANCE = '/work/shared/conformance/otlp';
const LOG = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'from the child' } }] }] }] };
const FIXTURES: [string, Signal][] = [
  ['trace.json', 'traces'],
  ['logs.json', 'logs'],
  ['metrics.json', 'metrics'],
  ['events.json', 'logs'],
];

/**
 * Runs batches through a file exporter and returns the file's bytes. Shutdown drains the queue:
 * with the usual 2 s shutdown timeout, a loaded machine still encoding 100 batches dropped the
 * last ones (as shutdown_timeout promises), so the drain gets a minute here.
 */
async function exportAll(name: string, threads: number, batches: Batch[], extra: Record<string, unknown> = {}, settings?: TestSettings): Promise<Buffer> {
  const path = join(dir, `${name}-${threads}.jsonl`);
  // encoder_min_items: 0: these small batches go to the threads under test.
  const config = fileExporterFactory.config.parse({ path, flush_interval: '1h', encoder_threads: threads, encoder_min_items: 0, ...extra });
  const exp = fileExporterFactory.create(settings ?? testSettings(`file/${name}`, 60_000), config, batches[0].signal);
  await exp.start(host);
  await Promise.all(batches.map((b) => exp.consume(b)));
  await exp.shutdown();
  return readFile(path);
}

describe('file exporter encoder threads', () => {
  it('defaults to one thread; 0 encodes on the main thread', () => {
    expect(fileExporterFactory.config.parse({ path: 'x' }).encoder_threads).toBe(1);
    expect(fileExporterFactory.config.parse({ path: 'x', encoder_threads: 0 }).encoder_threads).toBe(0);
    expect(() => fileExporterFactory.config.parse({ path: 'x', encoder_threads: -1 })).toThrow();
    expect(fileExporterFactory.config.parse({ path: 'x' }).encoder_min_items).toBe(2048);
  });

  it.each(FIXTURES)('writes the conformance example %s byte for byte as the main thread does', async (file, signal) => {
    const data = decodeJson(signal, await readFile(join(CONFORMANCE, file), 'utf8'));
    const bytes = encodeProto(signal, data);
    const main = await exportAll(file, 0, [Batch.fromProto(signal, bytes)]);
    const threaded = await exportAll(file, 1, [Batch.fromProto(signal, bytes)]);
    expect(threaded.length).toBeGreaterThan(100);
    expect(threaded.equals(main)).toBe(true);
    // And the line is the request that came in.
    expect(threaded.toString('utf8')).toBe(encodeJson(signal, data) + '\n');
  });

  it('writes a few thousand spans byte for byte as the main thread does', async () => {
    const bodies = Array.from({ length: 12 }, (_, k) => encodeProto('traces', benchTraces(300, k * 300)));
    const main = await exportAll(
      'spans',
      0,
      bodies.map((b) => Batch.fromProto('traces', b, 300)),
    );
    const threaded = await exportAll(
      'spans',
      1,
      bodies.map((b) => Batch.fromProto('traces', b, 300)),
    );
    expect(threaded.equals(main)).toBe(true);
    const lines = threaded.toString('utf8').trimEnd().split('\n');
    expect(lines.map((l) => decodeJson('traces', l).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length)).toEqual(Array(12).fill(300));
  });

  it('keeps the order of the batches across 100 batches, threads answering out of order, decoded batches between them', async () => {
    const batches: Batch<'traces'>[] = [];
    for (let i = 0; i < 100; i++) {
      // Big and small batches alternate, so that a later small one is encoded before an
      // earlier big one; every 7th batch is decoded and encoded on the main thread.
      const data = benchTraces(i % 2 === 0 ? 400 : 3, i * 1000);
      batches.push(i % 7 === 3 ? Batch.of('traces', data) : Batch.fromProto('traces', encodeProto('traces', data)));
    }
    const text = (await exportAll('order', 2, batches, { sending_queue: { num_consumers: 10 } })).toString('utf8');
    const firsts = text
      .trimEnd()
      .split('\n')
      .map((l) => decodeJson('traces', l).resourceSpans[0].scopeSpans[0].spans[0].spanId);
    expect(firsts).toEqual(batches.map((b) => b.data.resourceSpans[0].scopeSpans[0].spans[0].spanId));
    expect(new Set(firsts).size).toBe(100);
  });

  it('drops a malformed protobuf batch permanently (reason malformed) with the same error as the main thread', async () => {
    const good = encodeProto('logs', decodeJson('logs', await readFile(join(CONFORMANCE, 'logs.json'), 'utf8')));
    const bad = good.slice(0, good.length - 7); // cut inside a field
    const dropped: string[] = [];
    for (const threads of [0, 1]) {
      const s = testSettings(`file/bad${threads}`);
      const text = await exportAll(`bad`, threads, [Batch.fromProto('logs', bad, 1), Batch.fromProto('logs', good, 1)], {}, s);
      expect(text.toString('utf8').trimEnd().split('\n').length).toBe(1); // the good batch
      expect(await metricValue(s, 'genrf_collector_dropped_items_total', `file/bad${threads}`, 'reason="malformed"')).toBe(1);
      const warn = s.logs.find((l) => l.reason === 'malformed');
      expect(warn?.error).toBeTypeOf('string');
      dropped.push(String(warn!.error));
    }
    expect(dropped[1]).toBe(dropped[0]);
    expect(dropped[0].length).toBeGreaterThan(10);
  });

  it('starts one thread with the pool; the others only when a job finds every running thread busy', async () => {
    const lease = await acquireEncoder(3, silentLogger(), 'exporter file/lazy');
    try {
      expect(lease.threads).toBe(1);
      const bytes = encodeProto('traces', benchTraces(50));
      const deadline = new AbortController().signal;
      // One job at a time: the first thread is never busy when the next arrives.
      for (let i = 0; i < 3; i++) await lease.encode('traces', bytes, deadline);
      expect(lease.threads).toBe(1);
      // Three at once: the second and the third each find every running thread busy.
      const lines = await Promise.all([0, 1, 2].map(() => lease.encode('traces', bytes, deadline)));
      expect(lease.threads).toBe(3);
      expect(new Set(lines.map((l) => l.toString('utf8'))).size).toBe(1);
      // Never more than encoder_threads.
      await Promise.all(Array.from({ length: 8 }, () => lease.encode('traces', bytes, deadline)));
      expect(lease.threads).toBe(3);
    } finally {
      await lease.release();
    }
  });

  it('shutdown terminates the thread: a process that used the exporter exits by itself', async () => {
    const src = (p: string) => JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '../../../src', p)).href);
    const path = join(dir, 'child.jsonl');
    const script = `
      import { fileExporterFactory } from ${src('exporters/file/factory.ts')};
      import { Batch } from ${src('pdata/batch.ts')};
      import { encodeProto } from ${src('pdata/proto/index.ts')};
      import { decodeJson } from ${src('pdata/json/index.ts')};
      import { parseComponentId } from ${src('pipeline/component-id.ts')};
      import { SelfMetrics } from ${src('telemetry/metrics.ts')};
      import { silentLogger } from ${src('telemetry/logger.ts')};
      const settings = { id: parseComponentId('file/child'), logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 2000 };
      await fileExporterFactory.load();
      const exp = fileExporterFactory.create(settings, fileExporterFactory.config.parse({ path: ${JSON.stringify(path)}, encoder_threads: 2, encoder_min_items: 0 }), 'logs');
      await exp.start({ components: () => [] });
      const data = decodeJson('logs', ${JSON.stringify(JSON.stringify(LOG))});
      await exp.consume(Batch.fromProto('logs', encodeProto('logs', data), 1));
      await exp.shutdown();
      console.log('stopped');
    `;
    const file = join(dir, 'child.mjs');
    await writeFile(file, script);
    const started = performance.now();
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(process.execPath, [file], { timeout: 15_000 }, (_err, stdout, stderr) => {
        done({ code: child.exitCode, stdout, stderr });
      });
    });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('stopped');
    expect(out.code).toBe(0); // killed by the timeout: null
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(decodeJson('logs', await readFile(path, 'utf8')).resourceLogs[0].scopeLogs[0].logRecords[0].body?.stringValue).toBe('from the child');
    expect((await readdir(dir)).sort()).toEqual(['child.jsonl', 'child.mjs']);
  });
});

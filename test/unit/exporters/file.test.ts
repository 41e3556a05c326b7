import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJson } from '../../../src/pdata/json/index.ts';
import { fileExporterFactory } from '../../../src/exporters/file/factory.ts';
import { RotatingWriter, type LineOwner } from '../../../src/exporters/file/rotating-writer.ts';
import { acquireWriter } from '../../../src/exporters/file/shared-writers.ts';
import { ExportError } from '../../../src/net/export-error.ts';
import { testSettings } from '../../helpers/settings.ts';
import { until } from '../../helpers/wait.ts';
import { logsBatch, logsData, metricValue } from './fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genrf-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const host = { components: () => [] };
const lostLines: number[] = [];
const owner: LineOwner = {
  lost: (items) => {
    lostLines.push(items);
  },
};

function line(i: number): string {
  return `{"seq":${i},"pad":"${'x'.repeat(80)}"}\n`;
}

describe('rotating writer', () => {
  it('rotates at max bytes, keeps max_backups files, and never splits a line', async () => {
    const path = join(dir, 'out.jsonl');
    const maxBytes = 1000;
    const w = new RotatingWriter(path, { rotation: { maxBytes, maxBackups: 3 }, flushIntervalMs: 10 });
    await w.open();
    for (let i = 0; i < 100; i++) await w.append(line(i), 1, owner);
    await w.close();

    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['out.jsonl', 'out.jsonl.1', 'out.jsonl.2', 'out.jsonl.3']);
    // Oldest backup first, live file last: the sequence numbers run on without a gap.
    const seqs: number[] = [];
    for (const f of ['out.jsonl.3', 'out.jsonl.2', 'out.jsonl.1', 'out.jsonl']) {
      const text = await readFile(join(dir, f), 'utf8');
      expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(maxBytes);
      expect(text.endsWith('\n')).toBe(true);
      for (const l of text.trimEnd().split('\n')) seqs.push(JSON.parse(l).seq);
    }
    expect(seqs.at(-1)).toBe(99);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => seqs[0] + k));
    expect(seqs.length).toBeGreaterThan(30); // 4 files of ~10 lines each
  });

  it('appends to an existing file and counts its size toward rotation', async () => {
    const path = join(dir, 'sub', 'dir', 'out.jsonl'); // parent directories are created
    const w1 = new RotatingWriter(path, { rotation: { maxBytes: 250, maxBackups: 1 }, flushIntervalMs: 10 });
    await w1.open();
    await w1.append(line(0), 1, owner);
    await w1.append(line(1), 1, owner);
    await w1.close();
    const w2 = new RotatingWriter(path, { rotation: { maxBytes: 250, maxBackups: 1 }, flushIntervalMs: 10 });
    await w2.open();
    await w2.append(line(2), 1, owner); // 3 lines of 99 bytes would pass 250: rotates first
    await w2.close();
    expect(
      (await readFile(path + '.1', 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).seq),
    ).toEqual([0, 1]);
    expect(
      (await readFile(path, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).seq),
    ).toEqual([2]);
  });

  it('refuses new lines with a retryable error while the disk is full, and reports the lines it could not write', async () => {
    lostLines.length = 0;
    const w = new RotatingWriter('/dev/full', { rotation: undefined, flushIntervalMs: 10 });
    await w.open();
    await w.append(line(0), 7, owner); // buffered
    await w.flush();
    expect(w.error).toMatch(/ENOSPC|no space/i);
    const err = await w.append(line(1), 1, owner).catch((e) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('/dev/full');
    expect(await w.close()).toBe(1);
    expect(lostLines).toEqual([7]);
  });

  it('shares one writer per resolved path and rejects conflicting rotation', async () => {
    const path = join(dir, 'shared.jsonl');
    const opts = { rotation: { maxBytes: 5000, maxBackups: 2 }, flushIntervalMs: 10 };
    const a = await acquireWriter(path, opts, 'exporter file/a');
    const b = await acquireWriter(join(dir, '.', 'shared.jsonl'), { ...opts }, 'exporter file/b');
    expect(a.writer).toBe(b.writer);
    await expect(acquireWriter(path, { rotation: undefined, flushIntervalMs: 10 }, 'exporter file/c')).rejects.toThrow(/file\/c.*different rotation/);
    await a.release();
    await b.writer.append(line(1), 1, owner); // still open for b
    await b.release();
    const c = await acquireWriter(path, { rotation: undefined, flushIntervalMs: 10 }, 'exporter file/c');
    expect(c.writer).not.toBe(a.writer); // a fresh writer once the last lease was released
    await c.release();
    expect(await readFile(path, 'utf8')).toBe(line(1));
  });
});

describe('file exporter', () => {
  it('has the documented defaults', () => {
    const c = fileExporterFactory.config.parse({ path: 'x.jsonl', rotation: {} });
    expect(c.rotation).toEqual({ max_megabytes: 100, max_backups: 100 });
    expect(c.flush_interval).toBe(1000);
    expect(c.sending_queue.enabled).toBe(true);
    expect(fileExporterFactory.config.parse({ path: 'x' }).rotation).toBeUndefined();
    expect(() => fileExporterFactory.config.parse({})).toThrow(/path/);
  });

  it('writes one OTLP JSON export request per line that decodes back to the same data, and flushes on shutdown', async () => {
    const path = join(dir, 'logs.jsonl');
    const s = testSettings('file/app');
    const config = fileExporterFactory.config.parse({ path, flush_interval: '1h' });
    const exp = fileExporterFactory.create(s, config, 'logs');
    await exp.start(host);
    for (let i = 0; i < 5; i++) await exp.consume(logsBatch(3, `batch${i}`));
    await exp.shutdown();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(5);
    const bodies = new Set(lines.map((l) => JSON.stringify(decodeJson('logs', l), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))));
    for (let i = 0; i < 5; i++) {
      expect(bodies.has(JSON.stringify(logsData(3, `batch${i}`), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))).toBe(true);
    }
    expect(await metricValue(s, 'otelcol_exporter_sent_log_records_total', 'file/app')).toBe(15);
  });

  it('two exporters on one path share the writer: whole lines, one rotation', async () => {
    const path = join(dir, 'both.jsonl');
    const raw = { path, flush_interval: '10ms', rotation: { max_megabytes: 0.01, max_backups: 50 } };
    const a = fileExporterFactory.create(testSettings('file/a'), fileExporterFactory.config.parse(raw), 'logs');
    const b = fileExporterFactory.create(testSettings('file/b'), fileExporterFactory.config.parse(raw), 'logs');
    await a.start(host);
    await b.start(host);
    const sends = [];
    for (let i = 0; i < 60; i++) sends.push((i % 2 ? a : b).consume(logsBatch(2, `n${i}`)));
    await Promise.all(sends);
    await a.shutdown();
    await b.shutdown();
    const files = (await readdir(dir)).filter((f) => f.startsWith('both.jsonl'));
    let total = 0;
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      expect(text.length).toBeLessThanOrEqual(10486);
      for (const l of text.trimEnd().split('\n')) {
        expect(decodeJson('logs', l).resourceLogs[0].scopeLogs[0].logRecords.length).toBe(2);
        total++;
      }
    }
    expect(total).toBe(60);
    expect(files.length).toBeGreaterThan(1);
  });

  it('stopping during a steady stream: every acknowledged batch is in the file, once', async () => {
    const path = join(dir, 'stream.jsonl');
    const config = fileExporterFactory.config.parse({ path, flush_interval: '5s', rotation: { max_megabytes: 0.05, max_backups: 100 } });
    const exp = fileExporterFactory.create(testSettings('file/stream'), config, 'logs');
    await exp.start(host);
    const acked: number[] = [];
    let refused = 0;
    const reasons = new Set<string>();
    let stop = false;
    const producer = (async () => {
      for (let i = 0; !stop; i++) {
        await exp.consume(logsBatch(1, `seq${i}`)).then(
          () => acked.push(i),
          (e) => {
            refused++;
            reasons.add(e.reason);
          },
        );
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    await until(() => acked.length > 50, 10_000, 'a steady stream'); // then stop in the middle of it
    await exp.shutdown();
    stop = true;
    await producer;
    const seen: number[] = [];
    for (const f of await readdir(dir)) {
      for (const l of (await readFile(join(dir, f), 'utf8')).trimEnd().split('\n')) {
        const body = decodeJson('logs', l).resourceLogs[0].scopeLogs[0].logRecords[0].body!.stringValue!;
        seen.push(Number(/seq(\d+)/.exec(body)![1]));
      }
    }
    expect(acked.length).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(0);
    expect(reasons.has('shutting_down')).toBe(true);
    for (const r of reasons) expect(['shutting_down', 'queue_full']).toContain(r);
    expect(seen.sort((a, b) => a - b)).toEqual(acked.sort((a, b) => a - b));
  });
});

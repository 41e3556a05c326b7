// The exporter helper with `sending_queue.storage`: the queue is a log in a real
// file_storage extension (a temp directory); the sender is scripted.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createQueuedExporter, exporterHelperFields, ExportError, type HelperConfig, type Sender } from '../../../src/exporters/helper/index.ts';
import { fileStorageConfig } from '../../../src/extensions/file_storage/config.ts';
import { FileStorageExtension } from '../../../src/extensions/file_storage/file-storage.ts';
import { Batch } from '../../../src/pdata/batch.ts';
import type { LogsData } from '../../../src/pdata/types.ts';
import type { Host } from '../../../src/pipeline/component.ts';
import type { ConsumerError } from '../../../src/pipeline/consumer.ts';
import { logsBatch, metricValue, testSettings, until } from './fixtures.ts';

const schema = z.strictObject(exporterHelperFields());

function cfg(queue: Record<string, unknown> = {}): HelperConfig {
  return schema.parse({
    sending_queue: { storage: 'file_storage', num_consumers: 1, ...queue },
    retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: 0 },
  }) as HelperConfig;
}

async function storage(dir: string, extra: Record<string, unknown> = {}) {
  const ext = new FileStorageExtension(testSettings('file_storage'), fileStorageConfig.parse({ directory: dir, fsync: 'always', ...extra }));
  await ext.start();
  const host: Host = { components: () => [], extension: (id) => (id === 'file_storage' ? ext : undefined) };
  return { ext, host };
}

/** Delivers what it is given while `up`; otherwise fails with a retryable error. */
class Backend implements Sender {
  up = true;
  bodies: string[] = [];
  async send(batch: Batch): Promise<void> {
    if (!this.up) throw ExportError.retryable('backend down');
    for (const rl of (batch.data as LogsData).resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) this.bodies.push(r.body!.stringValue!);
  }
}

describe('persistent sending queue', () => {
  it('answers once the batch is in the log, and is durable', async () => {
    const { host } = await storage(mkdtempSync(join(tmpdir(), 'genrf-pq-')));
    const exp = createQueuedExporter(testSettings('file/x'), 'logs', cfg(), new Backend());
    expect(exp.durable).toBe(true);
    expect(createQueuedExporter(testSettings('file/y'), 'logs', schema.parse({}) as HelperConfig, new Backend()).durable).toBe(false);
    await exp.start(host);
    await exp.consume(logsBatch(3, 'a'));
    await exp.shutdown();
  });

  it('what was not delivered survives the exporter and is sent first after a restart, in order, then new data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genrf-pq-'));
    const down = new Backend();
    down.up = false;
    const s1 = await storage(dir);
    const settings = testSettings('file/x', 300);
    const first = createQueuedExporter(settings, 'logs', cfg(), down);
    await first.start(s1.host);
    for (const tag of ['a', 'b', 'c']) await first.consume(logsBatch(2, tag));
    await first.shutdown(); // the backend never came: nothing is dropped, it stays on disk
    await s1.ext.shutdown();
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total')).toBeNaN();
    expect(settings.logs.some((l) => String(l.msg).includes('stay in the persistent queue'))).toBe(true);

    const s2 = await storage(dir);
    const up = new Backend();
    const gate = Promise.withResolvers<void>();
    const send = up.send.bind(up);
    up.send = async (b) => {
      await gate.promise;
      return send(b);
    };
    const second = createQueuedExporter(testSettings('file/x'), 'logs', cfg(), up);
    await second.start(s2.host);
    expect(second.health?.()).toEqual({ healthy: true, message: 'replaying 6 log records from the persistent queue' });
    await second.consume(logsBatch(2, 'd'));
    gate.resolve();
    await until(() => up.bodies.length === 8);
    expect(up.bodies).toEqual(['a 0', 'a 1', 'b 0', 'b 1', 'c 0', 'c 1', 'd 0', 'd 1']);
    expect(second.health?.()).toEqual({ healthy: true });
    await second.shutdown();
    await s2.ext.shutdown();
    // Everything was delivered and acknowledged: the queue directory holds no segment.
    const q = join(dir, readdirSync(dir)[0]);
    expect(readdirSync(q).filter((n) => n.endsWith('.seg'))).toEqual([]);
  });

  it('refuses with a retryable storage_full when the storage is at max_size_mib; nothing accepted is lost', async () => {
    const { host } = await storage(mkdtempSync(join(tmpdir(), 'genrf-pq-')), { max_size_mib: 0.001, segment_size_mib: 0.0005 });
    const backend = new Backend();
    backend.up = false;
    const settings = testSettings('file/x');
    const exp = createQueuedExporter(settings, 'logs', cfg(), backend);
    await exp.start(host);
    let refused: ConsumerError | undefined;
    let accepted = 0;
    for (let i = 0; i < 50 && refused === undefined; i++) {
      await exp.consume(logsBatch(1, `r${i}`)).then(
        () => accepted++,
        (e: ConsumerError) => {
          refused = e;
        },
      );
    }
    expect(refused).toMatchObject({ retryable: true, reason: 'storage_full' });
    expect(exp.health?.()).toMatchObject({ healthy: false, message: expect.stringContaining('storage is full') });
    expect(await metricValue(settings, 'otelcol_exporter_enqueue_failed_log_records_total')).toBe(1);
    backend.up = true;
    await until(() => backend.bodies.length === accepted);
    await exp.shutdown();
  });

  it('a merged send that cannot be decoded is handed on request by request: only the bad request is dropped (malformed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genrf-pq-'));
    const down = new Backend();
    down.up = false;
    const s1 = await storage(dir);
    const first = createQueuedExporter(testSettings('file/x', 300), 'logs', cfg(), down);
    await first.start(s1.host);
    // An invalid wire type inside the record: past the receivers' scan, the one fault they
    // cannot be made to produce.
    const poison = Batch.fromProto('logs', Uint8Array.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x00, 0x6f, 0x01]), 1);
    for (const b of [logsBatch(2, 'a'), poison, logsBatch(2, 'b')]) await first.consume(b);
    await first.shutdown();
    await s1.ext.shutdown();

    // After the restart the three queued requests are merged into one send on the way out.
    const s2 = await storage(dir);
    const up = new Backend();
    const sends: number[] = [];
    const send = up.send.bind(up);
    up.send = (b) => {
      sends.push(b.items);
      return send(b);
    };
    const settings = testSettings('file/x');
    const second = createQueuedExporter(settings, 'logs', cfg(), up);
    await second.start(s2.host);
    await until(() => up.bodies.length === 4);
    await until(async () => (await metricValue(settings, 'genrf_collector_dropped_items_total', 'file/x', 'reason="malformed"')) === 1);
    expect(up.bodies).toEqual(['a 0', 'a 1', 'b 0', 'b 1']);
    expect(sends[0]).toBe(5); // one merged send first, then the requests one by one
    await second.shutdown();
    await s2.ext.shutdown();
  });

  it('a config naming a storage without the queue is refused', () => {
    expect(() => schema.parse({ sending_queue: { enabled: false, storage: 'file_storage' } })).toThrow(/storage keeps the sending queue on disk/);
    expect(() => schema.parse({ sending_queue: { storage: 'not an id' } })).toThrow(/extension id/);
  });
});

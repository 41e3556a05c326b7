// Defence in depth (issue 11 item 1): should a request the receivers' validating scan let
// through still fail to decode after the batch processor merged it with others, only that
// request is lost: the batch is handed on again one source request at a time, the good ones
// are delivered, the bad one is dropped, counted (`malformed`) and dead-lettered where the
// exporter has a dead-letter option. The bad request is made with Batch.fromProto, past the
// scan: that is the one fault the real receivers cannot be made to produce.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import { encodeProto } from '../../../src/pdata/proto/index.ts';
import { decodeJson } from '../../../src/pdata/json/index.ts';
import type { LogsData } from '../../../src/pdata/types.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';
import type { Exporter } from '../../../src/pipeline/component.ts';
import { batchProcessorConfig } from '../../../src/processors/batch/config.ts';
import { batchProcessorFactory } from '../../../src/processors/batch/factory.ts';
import { mergeBatches } from '../../../src/processors/batch/merge.ts';
import { attributesProcessorFactory } from '../../../src/processors/attributes/factory.ts';
import { attributesProcessorConfig } from '../../../src/processors/attributes/config.ts';
import { fileExporterFactory } from '../../../src/exporters/file/factory.ts';
import { fileExporterConfig } from '../../../src/exporters/file/config.ts';
import { elasticsearchExporterFactory } from '../../../src/exporters/elasticsearch/factory.ts';
import { elasticsearchExporterConfig } from '../../../src/exporters/elasticsearch/config.ts';
import { logsData, metricValue, testSettings, until } from '../exporters/fixtures.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genrf-poison-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const host = { components: () => [] };

/** A good request of one log record with body `body`, as a receiver hands it on (bytes, counted). */
const good = (body: string) => Batch.fromProto('logs', encodeProto('logs', logsData(1, body)), 1);
/** A one-record request with an invalid wire type inside the record, that no decoder takes. */
function poison(): Batch<'logs'> {
  const bytes = Uint8Array.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x00, 0x6f, 0x01]);
  return Batch.fromProto('logs', bytes, 1);
}

async function fileLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}
/** The bodies of every record written to a file exporter's output. */
async function bodies(path: string): Promise<string[]> {
  return (await fileLines(path)).flatMap((l) => decodeJson('logs', l).resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((x) => x.body!.stringValue!))));
}

describe('a merged batch', () => {
  it('remembers its source requests, also through a second merge and a clone, and forgets them once changed', () => {
    const a = good('a');
    const b = good('b');
    const ab = mergeBatches('logs', [a, b], 2);
    const abc = mergeBatches('logs', [ab, good('c')], 3);
    expect(abc.sourceCount).toBe(3);
    const parts = abc.clone().sources();
    expect(parts.map((p) => p.items)).toEqual([1, 1, 1]);
    expect(parts.map((p) => (p.data as LogsData).resourceLogs[0].scopeLogs[0].logRecords[0].body?.stringValue)).toEqual(['a 0', 'b 0', 'c 0']);
    abc.mutableData();
    expect(abc.sourceCount).toBe(1);
    expect(abc.sources()).toEqual([abc]);
  });
});

describe('batch -> file: the file exporter cannot encode a merged batch', () => {
  it.each([0, 1])('writes every good request and drops only the bad one (encoder_threads %i)', async (threads) => {
    const path = join(dir, 'out.jsonl');
    const settings = testSettings('file');
    const file = fileExporterFactory.create(settings, fileExporterConfig.parse({ path, flush_interval: '10ms', encoder_threads: threads }), 'logs') as Exporter;
    await file.start(host);
    const bp = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({ timeout: '1h', send_batch_size: 6 }), 'logs', file);
    for (const b of [good('a'), good('b'), poison(), good('c'), good('d'), good('e')]) await bp.consume(b);
    await until(async () => (await bodies(path)).length === 5, 10_000, 'five records in the file');
    expect((await bodies(path)).sort()).toEqual(['a 0', 'b 0', 'c 0', 'd 0', 'e 0']);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'component="exporter/file"', 'reason="malformed"')).toBe(1);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')).toBeNaN();
    expect(await metricValue(settings, 'otelcol_exporter_sent_log_records_total')).toBe(5);
    expect(settings.logs.some((l) => /log_records\[0\]/.test(String(l.error)))).toBe(true);
    await bp.shutdown();
    await file.shutdown();
  });
});

describe('batch -> a processor that decodes', () => {
  it('hands the requests on one by one; the good ones arrive, the bad one is counted (wait_for_export: false)', async () => {
    const path = join(dir, 'out.jsonl');
    const fileSettings = testSettings('file');
    const file = fileExporterFactory.create(fileSettings, fileExporterConfig.parse({ path, flush_interval: '10ms', encoder_threads: 0 }), 'logs') as Exporter;
    await file.start(host);
    const attrs = attributesProcessorFactory.create(
      testSettings('attributes'),
      attributesProcessorConfig.parse({ actions: [{ key: 'env', value: 'prod', action: 'upsert' }] }),
      'logs',
      file,
    ) as Consumer;
    const batchSettings = testSettings('batch');
    const bp = batchProcessorFactory.create(batchSettings, batchProcessorConfig.parse({ timeout: '1h', send_batch_size: 4 }), 'logs', attrs);
    for (const b of [good('a'), poison(), good('b'), good('c')]) await bp.consume(b);
    await until(async () => (await bodies(path)).length === 3, 10_000, 'three records in the file');
    expect((await bodies(path)).sort()).toEqual(['a 0', 'b 0', 'c 0']);
    const line = decodeJson('logs', (await fileLines(path))[0]) as LogsData;
    expect(line.resourceLogs[0].scopeLogs[0].logRecords[0].attributes).toContainEqual({ key: 'env', value: { stringValue: 'prod' } });
    await until(async () => (await metricValue(batchSettings, 'genrf_collector_dropped_items_total', 'reason="malformed"')) === 1, 5000, 'the drop counted');
    expect(await metricValue(batchSettings, 'genrf_collector_dropped_items_total', 'reason="permanent_error"')).toBeNaN();
    await bp.shutdown();
    await file.shutdown();
  });

  it('answers each request by its own fate (wait_for_export: true)', async () => {
    const path = join(dir, 'out.jsonl');
    const file = fileExporterFactory.create(testSettings('file'), fileExporterConfig.parse({ path, flush_interval: '10ms', encoder_threads: 0 }), 'logs') as Exporter;
    await file.start(host);
    const attrs = attributesProcessorFactory.create(
      testSettings('attributes'),
      attributesProcessorConfig.parse({ actions: [{ key: 'env', value: 'prod', action: 'upsert' }] }),
      'logs',
      file,
    ) as Consumer;
    const bp = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({ timeout: '1h', send_batch_size: 3, wait_for_export: true }), 'logs', attrs);
    const results = await Promise.allSettled([bp.consume(good('a')), bp.consume(poison()), bp.consume(good('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason.message)).toMatch(/log_records\[0\]/);
    await until(async () => (await bodies(path)).length === 2, 10_000, 'two records in the file');
    expect((await bodies(path)).sort()).toEqual(['a 0', 'b 0']);
    await bp.shutdown();
    await file.shutdown();
  });
});

describe('batch -> elasticsearch (which has a dead-letter file)', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('indexes the good requests and dead-letters the bad one as its protobuf bytes', async () => {
    // A stand-in for the cluster: this test is about what the exporter sends, not about Elasticsearch.
    const docs: string[] = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        res.setHeader('x-elastic-product', 'Elasticsearch');
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/_cluster/health')) return res.end(JSON.stringify({ status: 'green', cluster_name: 'fake' }));
        if (!req.url?.startsWith('/_bulk')) return res.end('{"acknowledged":true}');
        const batchDocs = text
          .split('\n')
          .filter(Boolean)
          .filter((_, i) => i % 2 === 1);
        docs.push(...batchDocs);
        res.end(JSON.stringify({ errors: false, items: batchDocs.map(() => ({ create: { status: 201 } })) }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
    const deadPath = join(dir, 'dead.jsonl');
    const settings = testSettings('elasticsearch');
    const es = elasticsearchExporterFactory.create(
      settings,
      elasticsearchExporterConfig.parse({
        endpoints: [url],
        mapping: { mode: 'genrf' },
        dead_letter: { path: deadPath },
        health_check_interval: 0,
        flush: { interval: '10ms' },
      }),
      'logs',
    ) as Exporter;
    await es.start(host);
    const bp = batchProcessorFactory.create(testSettings('batch'), batchProcessorConfig.parse({ timeout: '1h', send_batch_size: 3 }), 'logs', es);
    const bad = poison();
    for (const b of [good('a'), bad, good('b')]) await bp.consume(b);
    await until(() => docs.length === 2, 10_000, 'two documents indexed');
    expect(docs.map((d) => JSON.parse(d).message).sort()).toEqual(['a 0', 'b 0']);
    await until(async () => (await readFile(deadPath, 'utf8').catch(() => '')).length > 0, 5000, 'the dead letter');
    const letters = (await readFile(deadPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ type: 'malformed_request', document: { signal: 'logs' } });
    expect(Buffer.from(letters[0].document.otlp_protobuf_base64, 'base64')).toEqual(Buffer.from(bad.toProto()));
    expect(letters[0].reason).toMatch(/log_records\[0\]/);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="malformed"')).toBe(1);
    await bp.shutdown();
    await es.shutdown();
  });
});

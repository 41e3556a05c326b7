// The bulk sender's per-document handling. A fake Elasticsearch is used only for what the
// real one cannot be made to do on demand: answer 429 for one chosen document of a bulk.
// Mapping errors and outages are tested against the real cluster in test/services.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../../../../src/pdata/batch.ts';
import type { LogsData } from '../../../../src/pdata/types.ts';
import { elasticsearchExporterConfig } from '../../../../src/exporters/elasticsearch/config.ts';
import { DeadLetterFile } from '../../../../src/exporters/elasticsearch/dead-letter.ts';
import { ElasticsearchSender } from '../../../../src/exporters/elasticsearch/elasticsearch-sender.ts';
import { ExportError } from '../../../../src/net/export-error.ts';
import { metricValue, testSettings } from '../fixtures.ts';

interface Doc {
  body: string;
}
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A fake `_bulk` that answers each document by `answer(body)`, and records what it got. */
async function fakeBulk(answer: (doc: Doc, call: number) => { status: number; error?: object }): Promise<{ url: string; calls: string[][] }> {
  const calls: string[][] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      res.setHeader('x-elastic-product', 'Elasticsearch');
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/_cluster/health')) return res.end(JSON.stringify({ status: 'green', cluster_name: 'fake' }));
      if (!req.url?.startsWith('/_bulk')) return res.end('{"acknowledged":true}'); // the index template
      const lines = text.split('\n').filter(Boolean);
      const docs = lines.filter((_, i) => i % 2 === 1);
      calls.push(docs);
      const items = docs.map((body) => ({ create: answer({ body }, calls.length) }));
      res.end(JSON.stringify({ errors: items.some((i) => i.create.status >= 300), items }));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server!.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, calls };
}

function batchOf(bodies: string[]): Batch {
  const data: LogsData = {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'genrf', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: bodies.map((b) => ({
              timeUnixNano: 1_700_000_000_000_000_000n,
              observedTimeUnixNano: 0n,
              severityNumber: 9,
              severityText: '',
              body: { stringValue: b },
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: '',
              spanId: '',
              eventName: '',
            })),
          },
        ],
      },
    ],
  };
  return Batch.of('logs', data);
}

const MAPPING_ERROR = {
  type: 'document_parsing_exception',
  reason: 'failed to parse field [generation_time] of type [float]',
  caused_by: { type: 'number_format_exception', reason: 'For input string: "fast"' },
};

describe('bulk sender', () => {
  it('retries only the documents answered 429, dead-letters the refused one with its reason, and counts it', async () => {
    const fake = await fakeBulk((doc, call) => {
      if (doc.body.includes('"bad"')) return { status: 400, error: MAPPING_ERROR };
      if (doc.body.includes('"busy"') && call === 1) return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
      return { status: 201 };
    });
    const dir = await mkdtemp(join(tmpdir(), 'es-dl-'));
    const settings = testSettings('elasticsearch/t');
    const config = elasticsearchExporterConfig.parse({ endpoints: [fake.url], mapping: { mode: 'genrf' }, dead_letter: { path: join(dir, 'dead.jsonl') }, health_check_interval: 0 });
    const sender = new ElasticsearchSender(settings, config, 'logs');
    await sender.start();
    const batch = batchOf(['ok1', 'busy', 'bad', 'ok2']);
    const err = await sender.send(batch, 'logs', new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).retryable).toBe(true);
    expect((err as ExportError).message).toMatch(/refused 1 of 4 documents for now \(429/);
    await sender.send(batch, 'logs', new AbortController().signal); // the helper's retry
    expect(fake.calls.map((docs) => docs.map((d) => JSON.parse(d).message))).toEqual([['ok1', 'busy', 'bad', 'ok2'], ['busy']]);
    const letters = (await readFile(join(dir, 'dead.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ index: 'logs-generic-default', status: 400, type: 'document_parsing_exception', document: { message: 'bad' } });
    expect(letters[0].reason).toMatch(/generation_time.*For input string: "fast"/);
    expect(await metricValue(settings, 'genrf_collector_dropped_items_total', 'reason="mapping_error"')).toBe(1);
    expect(sender.health()).toEqual({ healthy: true });
    await sender.shutdown();
  });

  it('splits a job into requests within flush.documents', async () => {
    const fake = await fakeBulk(() => ({ status: 201 }));
    const settings = testSettings('elasticsearch/t');
    const config = elasticsearchExporterConfig.parse({ endpoints: [fake.url], flush: { documents: 2 }, health_check_interval: 0 });
    const sender = new ElasticsearchSender(settings, config, 'logs');
    await sender.start();
    await sender.send(batchOf(['a', 'b', 'c', 'd', 'e']), 'logs', new AbortController().signal);
    expect(fake.calls.map((c) => c.length)).toEqual([2, 2, 1]);
    await sender.shutdown();
  });

  it('keeps every document and reports unhealthy when the cluster cannot be reached', async () => {
    const settings = testSettings('elasticsearch/t');
    const config = elasticsearchExporterConfig.parse({ endpoints: ['http://127.0.0.1:1'], health_check_interval: 0 });
    const sender = new ElasticsearchSender(settings, config, 'logs');
    await sender.start(); // an unreachable cluster does not stop the daemon from starting
    expect(sender.health().healthy).toBe(false);
    const batch = batchOf(['a', 'b']);
    const err = (await sender.send(batch, 'logs', new AbortController().signal).catch((e: unknown) => e)) as ExportError;
    expect(err.retryable).toBe(true);
    expect(sender.health().message).toMatch(/cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:1/);
    // Once the cluster is back the same batch goes out whole.
    const fake = await fakeBulk(() => ({ status: 201 }));
    const sender2 = new ElasticsearchSender(settings, { ...config, endpoints: [fake.url] }, 'logs');
    await sender2.start();
    sender2.attach(
      batch,
      (sender as unknown as { encode(b: Batch, j: unknown): unknown }).encode(batch, new (await import('../../../../src/exporters/elasticsearch/documents.ts')).BulkJob()) as never,
    );
    await sender2.send(batch, 'logs', new AbortController().signal);
    expect(fake.calls[0]).toHaveLength(2);
    await sender.shutdown();
    await sender2.shutdown();
  });
});

describe('dead-letter file', () => {
  it('rotates before passing max size and keeps max_backups old files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'es-dl-'));
    const path = join(dir, 'dead.jsonl');
    await writeFile(path, '');
    const file = new DeadLetterFile(path, 400, 2);
    const letter = { index: 'i', status: 400, type: 't', reason: 'r', source: `{"message":"${'x'.repeat(100)}"}` };
    for (let i = 0; i < 12; i++) await file.write([letter]);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['dead.jsonl', 'dead.jsonl.1', 'dead.jsonl.2']);
    for (const n of names) expect((await readFile(join(dir, n))).length).toBeLessThanOrEqual(400);
  });
});

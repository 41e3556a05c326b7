// Elasticsearch smoke test: index a document, search for it, and bulk-create into a
// logs-* index (real node from scripts/services/up elasticsearch; plain HTTP).
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { describeService, requireService } from './helpers/services.ts';

const es = await requireService('elasticsearch');

describeService(es, 'elasticsearch: index and search', (env) => {
  const url = env.ELASTICSEARCH_URL!;
  const index = `smoke-${randomUUID()}`;
  const json = { 'content-type': 'application/json' };
  afterAll(async () => {
    await fetch(`${url}/${index}`, { method: 'DELETE' });
  });

  it('finds the document it indexed', async () => {
    const word = `w${randomUUID().replaceAll('-', '')}`;
    const put = await fetch(`${url}/${index}/_doc/1?refresh=true`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ message: `hello ${word}`, '@timestamp': new Date().toISOString() }),
    });
    expect(put.status).toBe(201);
    const res = await fetch(`${url}/${index}/_search`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ query: { match: { message: word } } }),
    });
    const body = (await res.json()) as { hits: { total: { value: number }; hits: { _id: string; _source: { message: string } }[] } };
    expect(body.hits.total.value).toBe(1);
    expect(body.hits.hits[0]!._source.message).toBe(`hello ${word}`);
  });

  it('accepts a _bulk request', async () => {
    const lines = [{ create: { _index: index } }, { message: 'bulk one' }, { create: { _index: index } }, { message: 'bulk two' }];
    const res = await fetch(`${url}/_bulk?refresh=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    });
    const body = (await res.json()) as { errors: boolean; items: unknown[] };
    expect(res.status).toBe(200);
    expect(body.errors).toBe(false);
    expect(body.items).toHaveLength(2);
  });
});

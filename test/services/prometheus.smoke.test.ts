// Prometheus smoke test: a target dropped into PROMETHEUS_TARGETS_DIR (file_sd) is
// scraped and its series answers a PromQL query; promtool is there.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeService, eventually, requireService } from './helpers/services.ts';

const prometheus = await requireService('prometheus');

describeService(prometheus, 'prometheus: scrape and query', (env) => {
  const run = randomUUID().slice(0, 8);
  const targetFile = join(env.PROMETHEUS_TARGETS_DIR!, `smoke-${run}.json`);
  let server: Server | undefined;
  afterAll(() => {
    rmSync(targetFile, { force: true });
    server?.close();
  });

  it('scrapes a file_sd target and answers a query on it', async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(`# TYPE genrf_smoke_total counter\ngenrf_smoke_total{run="${run}"} 42\n`);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    writeFileSync(targetFile, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { job: `smoke-${run}` } }]));

    const query = `genrf_smoke_total{run="${run}",job="smoke-${run}"}`;
    const value = await eventually('the scraped series', async () => {
      const res = await fetch(`${env.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1];
    });
    expect(value).toBe('42');
  }, 30_000);

  it('has promtool', () => {
    expect(execFileSync(env.PROMTOOL!, ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version/);
  });
});

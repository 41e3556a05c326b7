// SIGTERM during a steady stream: every record whose request was answered 2xx is in the file
// after the daemon exits (code 0). Refused or failed requests may be missing: the client retries
// those. The batch processor's timeout is long, so what it holds at SIGTERM can only reach the
// file through the drain path.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor } from './helpers/daemon.ts';
import { grpcExport, logBodies, logsProto, logsRequest, metricValue, readJsonLines, scrape } from './helpers/otlp.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function postLogs(port: number, body: string): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    return String(res.status);
  } catch (e) {
    return `network error ${(e as Json).cause?.code ?? (e as Error).message}`;
  }
}

/** OTLP over HTTP and gRPC -> batch (100 records or `timeout`) -> file, stopped with a 10 s shutdown_timeout. */
async function startBatching(timeout: string, metricsAddress: string) {
  const dir = await tempDir();
  const [port, grpcPort] = [await freePort(), await freePort()];
  const file = join(dir, 'logs.jsonl');
  const daemon = await startDaemon(
    `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
processors:
  batch: { send_batch_size: 100, timeout: ${timeout} }
exporters:
  file: { path: ${file}, flush_interval: 1s }
service:
  shutdown_timeout: 10s
  telemetry: { metrics: { address: ${metricsAddress} } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
    { dir },
  );
  return { daemon, port, grpcPort, file };
}

it('keeps everything it acknowledged when stopped mid-stream', async () => {
  const { daemon, port, grpcPort, file } = await startBatching('5s', "''");

  const REQUESTS = 600;
  const PER_REQUEST = 25;
  const WORKERS = 8;
  const STOP_AFTER = 80;
  const acknowledged: string[] = [];
  const outcomes = new Map<string, number>();
  let next = 0;
  let acked = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const r = next++;
      // Every fourth request goes over gRPC.
      const outcome =
        r % 4 === 3
          ? await grpcExport(grpcPort, 'logs', logsProto(`req${r}`, PER_REQUEST)).then((g) => (g.code === 0 ? '200' : `grpc ${g.code}`))
          : await postLogs(port, JSON.stringify(logsRequest(`req${r}`, PER_REQUEST)));
      if (outcome === '200') {
        acked++;
        for (let i = 0; i < PER_REQUEST; i++) acknowledged.push(`req${r}-${i}`);
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  const clients = Promise.all(Array.from({ length: WORKERS }, worker));
  await waitFor(() => acked >= STOP_AFTER, 20_000);
  const code = daemon.stop('SIGTERM');
  await clients;
  expect(await code, daemon.stderr()).toBe(0);

  const bodies = logBodies(await readJsonLines(file));
  const inFile = new Set(bodies);
  const missing = acknowledged.filter((b) => !inFile.has(b));
  expect(missing, `acknowledged but lost (outcomes: ${JSON.stringify([...outcomes])})`).toEqual([]);
  expect(bodies.length, 'no record written twice').toBe(inFile.size);
  // The stop really came mid-stream: some requests were acknowledged, some were not.
  expect(acked).toBeGreaterThanOrEqual(STOP_AFTER);
  expect(acked).toBeLessThan(REQUESTS);
});

it('flushes what the batch processor holds at SIGTERM at once and acknowledges it', async () => {
  const metrics = await freePort();
  const { daemon, port, grpcPort, file } = await startBatching('30s', `127.0.0.1:${metrics}`);

  // 3 x 25 records (two over HTTP, one over gRPC): under send_batch_size, so the batch
  // processor holds them for its timeout.
  const requests = [
    postLogs(port, JSON.stringify(logsRequest('held0', 25))),
    postLogs(port, JSON.stringify(logsRequest('held1', 25))),
    grpcExport(grpcPort, 'logs', logsProto('held2', 25), 60_000).then((g) => (g.code === 0 ? '200' : `grpc ${g.code} ${g.details}`)),
  ];
  await waitFor(async () => metricValue(await scrape(metrics), 'otelcol_processor_incoming_items_total', { processor: 'batch' }) === 75, 5_000);
  const t0 = Date.now();
  const code = await daemon.stop('SIGTERM');
  const stopMs = Date.now() - t0;
  expect(await Promise.all(requests), 'the held requests are answered with success').toEqual(['200', '200', '200']);
  expect(code).toBe(0);
  expect(logBodies(await readJsonLines(file))).toHaveLength(75);
  // Draining must not wait out the 30s batch timeout (nor the 10s shutdown timeout).
  expect(stopMs, daemon.stderr()).toBeLessThan(3_000);
});

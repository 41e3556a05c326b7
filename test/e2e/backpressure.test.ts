// The exporter's peer is down: data waits in the sending queue and is retried until the peer
// comes up; when the queue is full, clients are told to back off (429 / RESOURCE_EXHAUSTED)
// and the refusals are counted.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from './helpers/daemon.ts';
import { startFileSink } from './helpers/file-sink.ts';
import { allRecords, grpcExport, logBodies, logsProto, logsRequest, metricValue, postOtlp, readJsonLines, scrape, tracesRequest, waitForRecords } from './helpers/otlp.ts';

const RESOURCE_EXHAUSTED = 8;
const daemons: Daemon[] = [];

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

async function health(port: number): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
}

describe('peer down, then up', () => {
  it('A queues and retries; everything arrives in B once B starts on that port', async () => {
    const dir = await tempDir();
    const [aHttp, aHealth, bHttp, bGrpc] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const retry = 'retry_on_failure: { initial_interval: 100ms, max_interval: 500ms, max_elapsed_time: 60s }';
    const a = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${aHttp} } } }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${bHttp}
    ${retry}
  otlp:
    endpoint: 127.0.0.1:${bGrpc}
    tls: { insecure: true }
    ${retry}
extensions:
  health_check: { endpoint: 127.0.0.1:${aHealth} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], exporters: [otlphttp] }
    traces: { receivers: [otlp], exporters: [otlp] }
`,
      { dir },
    );
    daemons.push(a);

    const bodies: string[] = [];
    for (let r = 0; r < 5; r++) {
      const res = await postOtlp(aHttp, '/v1/logs', JSON.stringify(logsRequest('down', 4, r * 4)));
      expect(res.status, res.text).toBe(200);
      for (let i = r * 4; i < r * 4 + 4; i++) bodies.push(`down-${i}`);
    }
    for (let r = 0; r < 3; r++) {
      const res = await postOtlp(aHttp, '/v1/traces', JSON.stringify(tracesRequest('down', 2, r * 2)));
      expect(res.status, res.text).toBe(200);
    }
    // Both exporters have tried and failed (the helper marks them unhealthy) before B exists.
    await waitFor(async () => {
      const h = await health(aHealth);
      const bad = Object.entries(h.body.checks).filter(([, v]) => v.startsWith('unhealthy'));
      return h.status === 503 && bad.some(([k]) => k.includes('otlphttp')) && bad.some(([k]) => /exporter\/otlp(?!http)/.test(k));
    }, 10_000).catch(async () => {
      throw new Error(`A's exporters never reported a failed send: ${JSON.stringify((await health(aHealth)).body)}`);
    });

    const b = await startFileSink({ dir, grpc: bGrpc, http: bHttp, out: (s) => join(dir, `b-${s}.jsonl`), signals: ['logs', 'traces'] });
    daemons.push(b);

    // gRPC reconnects with its own backoff (1s, 1.6s, ...): allow for a few rounds.
    await waitForRecords(join(dir, 'b-logs.jsonl'), 'logs', bodies.length, 20_000);
    await waitForRecords(join(dir, 'b-traces.jsonl'), 'traces', 6, 20_000);
    expect(logBodies(await readJsonLines(join(dir, 'b-logs.jsonl'))).sort()).toEqual([...bodies].sort());
    expect(
      allRecords('traces', await readJsonLines(join(dir, 'b-traces.jsonl')))
        .map((s) => s.name)
        .sort(),
    ).toEqual(['down-0', 'down-1', 'down-2', 'down-3', 'down-4', 'down-5']);
    // And A says so: healthy again once a send succeeded.
    await waitFor(async () => (await health(aHealth)).status === 200, 5_000);
  });
});

describe('sending queue full', () => {
  it('refuses with 429 + Retry-After and RESOURCE_EXHAUSTED, and counts the refusals', async () => {
    const dir = await tempDir();
    const [aHttp, aGrpc, aMetrics, dead] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const a = await startDaemon(
      `
receivers:
  otlp:
    protocols:
      grpc: { endpoint: 127.0.0.1:${aGrpc} }
      http: { endpoint: 127.0.0.1:${aHttp} }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${dead}
    sending_queue: { queue_size: 2, num_consumers: 1 }
    retry_on_failure: { initial_interval: 5s, max_elapsed_time: 0s }
service:
  # The peer never comes up: do not spend the default 10s draining at the end.
  shutdown_timeout: 1s
  telemetry: { metrics: { address: 127.0.0.1:${aMetrics} } }
  pipelines:
    logs: { receivers: [otlp], exporters: [otlphttp] }
`,
      { dir },
    );
    daemons.push(a);

    const N = 5;
    const statuses: number[] = [];
    let refusedHttp = 0;
    let retryAfter: string | null = null;
    for (let r = 0; r < 8; r++) {
      const res = await postOtlp(aHttp, '/v1/logs', JSON.stringify(logsRequest('full', N, r * N)));
      statuses.push(res.status);
      if (res.status === 429) {
        refusedHttp++;
        retryAfter ??= res.headers.get('retry-after');
      }
    }
    // One batch in the sender, two in the queue: the fourth request at the latest is refused.
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.indexOf(429)).toBeGreaterThan(-1);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(3);
    expect(
      statuses.every((s) => s === 200 || s === 429),
      `statuses ${statuses}`,
    ).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);

    const grpc = await grpcExport(aGrpc, 'logs', logsProto('full-grpc', N));
    expect(grpc.code, grpc.details).toBe(RESOURCE_EXHAUSTED);
    // OTLP/gRPC clients look for a RetryInfo in the status details.
    expect(grpc.metadata?.get('grpc-status-details-bin').length ?? 0).toBeGreaterThan(0);

    const text = await scrape(aMetrics);
    expect(metricValue(text, 'otelcol_exporter_enqueue_failed_log_records_total', { exporter: 'otlphttp' })).toBe((refusedHttp + 1) * N);
    expect(metricValue(text, 'otelcol_receiver_refused_log_records_total', { receiver: 'otlp', transport: 'http' })).toBe(refusedHttp * N);
    expect(metricValue(text, 'otelcol_receiver_refused_log_records_total', { receiver: 'otlp', transport: 'grpc' })).toBe(N);
    expect(metricValue(text, 'otelcol_receiver_accepted_log_records_total', { receiver: 'otlp', transport: 'http' })).toBe((8 - refusedHttp) * N);
    expect(metricValue(text, 'otelcol_exporter_queue_size', { exporter: 'otlphttp' })).toBeGreaterThanOrEqual(1);

    // Stopping with the peer still down: bounded by shutdown_timeout, and what is dropped is said.
    const t0 = Date.now();
    expect(await a.stop()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(a.stderr()).toMatch(/shutdown_timeout/);
  });
});

// The liveness check of the health_check extension: during a backend outage /health (the
// readiness check) fails, /health/live does not, so that Kubernetes stops sending traffic to
// the daemon but never kills it while it buffers.
import { afterAll, expect, it } from 'vitest';
import { freePort, startDaemon, waitFor, type Daemon } from './helpers/daemon.ts';
import { logsRequest, postOtlp } from './helpers/otlp.ts';

let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.stop();
});

async function get(port: number, path: string): Promise<{ code: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('/health fails while the backend is down; /health/live stays 200', async () => {
  const [http, health, deadBackend] = [await freePort(), await freePort(), await freePort()];
  daemon = await startDaemon(`
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${deadBackend}
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  shutdown_timeout: 1s
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], exporters: [otlphttp] }
`);
  expect((await get(health, '/health/live')).code).toBe(200);
  // Data for a backend that is not there: the exporter fails its sends and says so.
  expect((await postOtlp(http, '/v1/logs', JSON.stringify(logsRequest('outage', 5)))).status).toBe(200);
  await waitFor(async () => (await get(health, '/health')).code === 503, 15_000);
  const ready = await get(health, '/health');
  expect(ready.body.status).toBe('unhealthy');
  expect(String((ready.body.checks as Record<string, string>)['exporter/otlphttp@logs'])).toMatch(/^unhealthy/);

  const live = await get(health, '/health/live');
  expect(live.code).toBe(200);
  expect(live.body.status).toBe('alive');
  expect(live.body.uptime_seconds).toBeTypeOf('number');
  expect((await get(health, '/health/live?verbose')).code).toBe(200);
});

// Secrets in what the daemon shows (issue 11, item 4): an exporter endpoint with a password
// and a header token (from the environment) appear nowhere in /health, the logs (WARN lines
// included), the self metrics, or validate and graph output; an error about a value that
// came from the environment names the variable, not the value.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, freePort, startDaemon, tempDir, waitFor } from './helpers/daemon.ts';
import { logsRequest, postOtlp } from './helpers/otlp.ts';

const PASSWORD = 'SuperSecretPw123';
const TOKEN = 'TopSecretToken987';
const env = { UPSTREAM_TOKEN: TOKEN };

const config = (otlp: number, health: number, metrics: number, dead: number) => `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${otlp} } } }
exporters:
  otlphttp:
    endpoint: "http://admin:${PASSWORD}@127.0.0.1:${dead}"
    headers: { authorization: "Bearer \${env:UPSTREAM_TOKEN}", x-api-key: "\${env:UPSTREAM_TOKEN}" }
    retry_on_failure: { enabled: false }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }
  pipelines:
    logs: { receivers: [otlp], exporters: [otlphttp] }
`;

function expectNoSecret(what: string, text: string): void {
  expect(text.includes(PASSWORD), `${what} shows the password:\n${text}`).toBe(false);
  expect(text.includes(TOKEN), `${what} shows the token:\n${text}`).toBe(false);
}

describe('secrets', () => {
  it('are masked in /health, the logs and the self metrics of a running daemon', async () => {
    const [otlp, health, metrics, dead] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const d = await startDaemon(config(otlp, health, metrics, dead), { env, timeoutMs: 60_000 });
    try {
      expect((await postOtlp(otlp, '/v1/logs', JSON.stringify(logsRequest('x', 1)))).status).toBe(200);
      // The export fails against the dead port: a WARN line and an unhealthy exporter, both with the endpoint.
      await waitFor(() => d.stderr().includes('"level":"WARN"') && d.stderr().includes('127.0.0.1:' + dead), 45_000);
      let body = '';
      await waitFor(async () => {
        body = await (await fetch(`http://127.0.0.1:${health}/health`)).text();
        return body.includes('unhealthy:');
      }, 45_000);
      expect(body).toContain(`http://***@127.0.0.1:${dead}`);
      expectNoSecret('/health', body);
      expect(d.stderr()).toContain(`http://***@127.0.0.1:${dead}`);
      expectNoSecret('the logs', d.stderr());
      expectNoSecret('/metrics', await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text());
    } finally {
      await d.stop();
    }
    expectNoSecret('the logs', d.stderr());
  }, 90_000);

  it('validate names the variable of a bad env-expanded value and shows no secret; graph neither', async () => {
    const dir = await tempDir();
    const file = join(dir, 'pipeline.yaml');
    await writeFile(
      file,
      `receivers:\n  otlp: { protocols: { http: {} } }\nprocessors:\n  batch: { timeout: "\${env:UPSTREAM_TOKEN}" }\nexporters:\n  otlphttp: { endpoint: "http://admin:${PASSWORD}@127.0.0.1:1", timeout: "x\${env:UPSTREAM_TOKEN}" }\nservice:\n  pipelines:\n    logs: { receivers: [otlp], processors: [batch], exporters: [otlphttp] }\n`,
    );
    const v = await cli(['validate', '--config', file], env);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/processors\.batch\.timeout: "\$\{env:UPSTREAM_TOKEN\}" is not a duration/);
    expect(v.stderr).toMatch(/exporters\.otlphttp\.timeout: "x\$\{env:UPSTREAM_TOKEN\}" is not a duration/);
    expectNoSecret('validate', v.stdout + v.stderr);

    await writeFile(file, config(1, 2, 3, 4));
    const g = await cli(['graph', '--config', file], env);
    expect(g.code).toBe(0);
    expectNoSecret('graph', g.stdout + g.stderr);
  }, 90_000);
});

// Issue #18: the Kafka link over the broker's SASL_SSL listener (TLS with the harness's CA,
// SASL PLAIN and SCRAM-SHA-512): OTLP in -> kafka exporter (SCRAM) -> Kafka -> kafka receiver
// (PLAIN, password from a file) -> file. A wrong password lands nothing and never shows up in
// the daemon's logs or /health.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { logsRequest, normalize, postOtlp, waitForRecords } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { runId } from './kafka-helpers.ts';

const kafka = await requireService('kafka-sasl');
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

describeService(kafka, 'kafka over SASL_SSL', (env) => {
  const brokers = env.KAFKA_SASL_SSL_BROKERS!;
  const tls = `{ ca_file: ${env.KAFKA_TLS_CA_FILE} }`;

  it('exporter with SCRAM-SHA-512 and receiver with PLAIN (password_file), both over TLS: records arrive unchanged', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-sasl-');
    const [http, health] = [await freePort(), await freePort()];
    const passwordFile = join(dir, 'plain-password');
    await writeFile(passwordFile, `${env.KAFKA_SASL_PLAIN_PASSWORD}\n`);
    const topic = `sasl-${run}`;
    const d = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
  kafka:
    brokers: [${brokers}]
    tls: ${tls}
    auth: { sasl: { mechanism: PLAIN, username: ${env.KAFKA_SASL_PLAIN_USER}, password_file: ${passwordFile} } }
    group_id: sasl-${run}
    initial_offset: earliest
    logs: { topic: ${topic} }
exporters:
  kafka:
    brokers: [${brokers}]
    tls: ${tls}
    auth: { sasl: { mechanism: SCRAM-SHA-512, username: ${env.KAFKA_SASL_SCRAM_USER}, password: "\${env:SCRAM_PASSWORD}" } }
    logs: { topic: ${topic} }
  file: { path: ${join(dir, 'logs.jsonl')} }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs/in: { receivers: [otlp], exporters: [kafka] }
    logs/out: { receivers: [kafka], exporters: [file] }
`,
      { env: { SCRAM_PASSWORD: env.KAFKA_SASL_SCRAM_PASSWORD! } },
    );
    daemons.push(d);
    const sent = logsRequest('sasl', 4);
    const res = await postOtlp(http, '/v1/logs', JSON.stringify(sent));
    expect(res.status, res.text).toBe(200);
    const got = await waitForRecords(join(dir, 'logs.jsonl'), 'logs', 4, 30_000);
    expect(normalize(got)).toEqual([normalize(sent)]);
  }, 90_000);

  it('a wrong SCRAM password: the exporter is unhealthy, and the password is nowhere in logs or /health', async () => {
    const run = runId();
    await tempDir('genrf-kafka-sasl-');
    const [http, health] = [await freePort(), await freePort()];
    const wrong = `not-the-password-${run}`;
    const d = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
exporters:
  kafka:
    brokers: [${brokers}]
    tls: ${tls}
    auth: { sasl: { mechanism: SCRAM-SHA-512, username: ${env.KAFKA_SASL_SCRAM_USER}, password: "\${env:SCRAM_PASSWORD}" } }
    logs: { topic: sasl-wrong-${run} }
    retry_on_failure: { initial_interval: 100ms, max_interval: 500ms }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], exporters: [kafka] }
`,
      { env: { SCRAM_PASSWORD: wrong } },
    );
    daemons.push(d);
    await postOtlp(http, '/v1/logs', JSON.stringify(logsRequest('wrong', 1)));
    let body = '';
    await waitFor(async () => {
      const r = await fetch(`http://127.0.0.1:${health}/health`);
      body = await r.text();
      return r.status === 503 && body.includes('exporter/kafka@logs');
    }, 30_000);
    expect(JSON.parse(body).checks['exporter/kafka@logs']).toMatch(/^unhealthy/);
    expect(body).not.toContain(wrong);
    expect(d.stderr()).not.toContain(wrong);
  }, 90_000);
});

// Issue #14, part 2: a Kafka without the receiver's topics yet (a fresh cluster). The daemon
// starts, /health answers 200 and says what it waits for, OTLP works meanwhile; once a topic
// is created its records arrive within seconds, while the other topic is still waited for.
// With create_topics the receiver creates its topics (and the dead-letter ones) itself.
import { join } from 'node:path';
import { Admin, Producer } from '@platformatic/kafka';
import { afterEach, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { allRecords, logsProto, logsRequest, postOtlp, readJsonLines } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { createTopics, metricsRequest, runId } from './kafka-helpers.ts';

const kafka = await requireService('kafka');
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

interface HealthDoc {
  status: string;
  checks: Record<string, string>;
}

async function health(port: number): Promise<{ code: number; doc: HealthDoc }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { code: res.status, doc: (await res.json()) as HealthDoc };
}

async function produce(brokers: string[], topic: string, values: Uint8Array[]): Promise<void> {
  const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers, autocreateTopics: false });
  try {
    await producer.send({ messages: values.map((v) => ({ topic, value: Buffer.from(v) })) });
  } finally {
    await producer.close();
  }
}

async function bodies(path: string): Promise<string[]> {
  return allRecords('logs', await readJsonLines(path)).map((r) => r.body.stringValue as string);
}

describeService(kafka, 'kafka receiver: topics that do not exist yet', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');
  const config = (o: { run: string; http: number; health: number; dir: string; extra?: string }) => `
receivers:
  otlp:
    protocols: { http: { endpoint: 127.0.0.1:${o.http} } }
  kafka:
    brokers: [${list}]
    group_id: topics-${o.run}
    initial_offset: earliest
    logs: { topic: logs-${o.run}, encoding: otlp_proto }
    metrics: { topic: metrics-${o.run}, encoding: otlp_json }
${o.extra ?? ''}
exporters:
  file/logs: { path: ${join(o.dir, 'logs.jsonl')}, flush_interval: 0s }
  file/metrics: { path: ${join(o.dir, 'metrics.jsonl')}, flush_interval: 0s }
extensions:
  health_check: { endpoint: 127.0.0.1:${o.health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp, kafka], exporters: [file/logs] }
    metrics: { receivers: [kafka], exporters: [file/metrics] }
`;

  it('waits for the missing topics with /health 200, OTLP working; each topic is consumed seconds after it appears', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-topics-');
    const [http, healthPort] = [await freePort(), await freePort()];
    const d = await startDaemon(config({ run, http, health: healthPort, dir }));
    daemons.push(d);

    // Neither topic exists: the receiver waits, and says so, without failing the daemon.
    await waitFor(async () => (await health(healthPort)).doc.checks['receiver/kafka']?.startsWith('waiting') ?? false, 20_000);
    const waiting = await health(healthPort);
    expect(waiting.code).toBe(200);
    expect(waiting.doc.status).toBe('healthy');
    expect(waiting.doc.checks['receiver/kafka']).toMatch(new RegExp(`^waiting: topic (logs|metrics)-${run}, (logs|metrics)-${run} does not exist yet`));
    expect(d.stderr()).not.toMatch(/"level":"(WARN|ERROR)"[^\n]*receiver\/kafka/);
    // OTLP goes through meanwhile.
    expect((await postOtlp(http, '/v1/logs', JSON.stringify(logsRequest('otlp', 3)))).status).toBe(200);
    await waitFor(async () => (await bodies(join(dir, 'logs.jsonl'))).length >= 3, 10_000);

    // The logs topic appears (created after the daemon started) and gets records.
    await createTopics(brokers, [`logs-${run}`], 2);
    const created = Date.now();
    await produce(brokers, `logs-${run}`, [logsProto('kafka', 50)]);
    await waitFor(async () => (await bodies(join(dir, 'logs.jsonl'))).filter((b) => b.startsWith('kafka-')).length === 50, 30_000);
    const logsAfterMs = Date.now() - created;
    const partial = await health(healthPort);
    expect(partial.code).toBe(200);
    expect(partial.doc.checks['receiver/kafka']).toBe(`waiting: topic metrics-${run} does not exist yet; consuming logs-${run}`);

    // Then the metrics topic: the member joins again with it, and keeps the logs.
    await createTopics(brokers, [`metrics-${run}`], 2);
    const created2 = Date.now();
    await produce(brokers, `metrics-${run}`, [new TextEncoder().encode(JSON.stringify(metricsRequest(`m-${run}`, 4)))]);
    await produce(brokers, `logs-${run}`, [logsProto('late', 10)]);
    await waitFor(async () => allRecords('metrics', await readJsonLines(join(dir, 'metrics.jsonl'))).length === 4, 30_000);
    const metricsAfterMs = Date.now() - created2;
    await waitFor(async () => (await bodies(join(dir, 'logs.jsonl'))).filter((b) => b.startsWith('late-')).length === 10, 30_000);
    await waitFor(async () => (await health(healthPort)).doc.checks['receiver/kafka'] === 'healthy', 10_000);
    const all = await bodies(join(dir, 'logs.jsonl'));
    expect(all.filter((b) => b.startsWith('kafka-')).length, 'the rejoin read nothing twice').toBe(50);
    console.log(`[kafka topics] records of a topic created after the daemon started arrived ${logsAfterMs} ms after its creation (logs), ${metricsAfterMs} ms (metrics, with a rejoin)`);
    expect(logsAfterMs).toBeLessThan(15_000);
    expect(metricsAfterMs).toBeLessThan(15_000);
  }, 120_000);

  it('create_topics creates the topics and their dead-letter topics, with the partitions asked for', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-topics-');
    const [http, healthPort] = [await freePort(), await freePort()];
    const d = await startDaemon(config({ run, http, health: healthPort, dir, extra: '    create_topics: { partitions: 3, replication_factor: 1 }' }));
    daemons.push(d);
    await waitFor(async () => (await health(healthPort)).doc.checks['receiver/kafka'] === 'healthy', 30_000);
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: brokers });
    try {
      const names = [`logs-${run}`, `metrics-${run}`, `logs-${run}.dlq`, `metrics-${run}.dlq`];
      const meta = await admin.metadata({ topics: names });
      expect(names.map((n) => meta.topics.get(n)?.partitionsCount)).toEqual([3, 3, 3, 3]);
    } finally {
      await admin.close();
    }
    await produce(brokers, `logs-${run}`, [logsProto('made', 20)]);
    await waitFor(async () => (await bodies(join(dir, 'logs.jsonl'))).length === 20, 30_000);
  }, 90_000);
});

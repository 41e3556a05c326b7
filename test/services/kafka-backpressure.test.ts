// Issue #4, check 5: with the sink refusing, consumption pauses (lag grows on the broker,
// the daemon's memory does not), and resumes when the sink is back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterEach, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { allRecords, logsProto, readJsonLines } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { createTopics, groupLag, runId } from './kafka-helpers.ts';

const kafka = await requireService('kafka');
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL')));
});

const rssMiB = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

describeService(kafka, 'kafka receiver: backpressure', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');

  it('5. the sink refuses: fetching pauses, lag grows, memory stays flat; the sink returns: everything arrives', async () => {
    const run = runId();
    const topic = `bp-${run}`;
    const group = `bp-${run}`;
    const dir = await tempDir('genrf-kafka-');
    const out = join(dir, 'logs.jsonl');
    const sinkPort = await freePort();
    await createTopics(brokers, [topic], 4);
    // The edge daemon sends to a peer that is not there yet; with its queue off, the refusal
    // reaches the kafka receiver as a retryable error.
    const edge = await startDaemon(`
receivers:
  kafka:
    brokers: [${list}]
    group_id: ${group}
    initial_offset: earliest
    logs: { topic: ${topic}, encoding: otlp_proto }
    max_buffered_messages: 100
    max_partition_buffered_messages: 25
    max_fetch_size: 1048576
    default_fetch_size: 262144
    error_backoff: { initial_interval: 50ms, max_interval: 500ms }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${sinkPort}
    sending_queue: { enabled: false }
    retry_on_failure: { enabled: false }
    timeout: 2s
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [kafka], exporters: [otlphttp] }
`);
    daemons.push(edge);
    await waitFor(() => /joined group/.test(edge.stderr()), 20_000);
    const before = await rssMiB(edge.proc.pid!);

    // 2,000 messages of 100 records (~60 MiB of protobuf) while the sink is down.
    const messages = 2000;
    const perMessage = 100;
    const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers });
    for (let r = 0; r < 20; r++) {
      const batch = [];
      for (let m = r * 100; m < (r + 1) * 100; m++) batch.push({ topic, key: Buffer.from(`k${m}`), value: Buffer.from(logsProto(`bp-${'x'.repeat(200)}`, perMessage, m * perMessage)) });
      await producer.send({ messages: batch });
    }
    await producer.close();
    await new Promise((res) => setTimeout(res, 3000));
    const during = await rssMiB(edge.proc.pid!);
    const lag = await groupLag(brokers, group, topic);
    console.log(`[kafka backpressure] sink down: lag ${lag} of ${messages} messages, RSS ${before.toFixed(0)} -> ${during.toFixed(0)} MiB`);
    expect(lag, 'nothing was committed while the sink refused').toBe(messages);
    expect(during - before, 'the daemon did not read the backlog into memory').toBeLessThan(40);
    expect(await readJsonLines(out)).toEqual([]);

    const sink = await startDaemon(`
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${sinkPort} } } }
exporters:
  file: { path: ${out} }
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], exporters: [file] }
`);
    daemons.push(sink);
    const count = async () => new Set(allRecords('logs', await readJsonLines(out)).map((r) => r.body.stringValue)).size;
    await waitFor(async () => (await count()) >= messages * perMessage, 50_000).catch(async () => {
      throw new Error(`only ${await count()} of ${messages * perMessage} records arrived after the sink came back`);
    });
    await waitFor(async () => (await groupLag(brokers, group, topic)) === 0, 10_000);
  }, 90_000);
});

// Issue #4, checks 2 and 3: at-least-once across SIGKILL, and scale-out by consumer group.
// The real daemon runs as a child process and is killed with SIGKILL mid-stream.
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterEach, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { allRecords, logsProto, readJsonLines } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { createTopics, groupLag, runId } from './kafka-helpers.ts';

const kafka = await requireService('kafka');
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop('SIGKILL')));
});

const PER_MESSAGE = 50;

/** The log bodies in the files (with duplicates). */
async function bodies(...paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) for (const r of allRecords('logs', await readJsonLines(p))) out.push(r.body.stringValue);
  return out;
}

/** Sends `messages` messages of PER_MESSAGE records (bodies `${tag}-${i}`), in rounds, keyed round-robin. */
async function produce(brokers: string[], topic: string, tag: string, messages: number, rounds: number, pauseMs: number): Promise<void> {
  const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers });
  try {
    const per = messages / rounds;
    for (let r = 0; r < rounds; r++) {
      const batch = [];
      for (let m = r * per; m < (r + 1) * per; m++) {
        batch.push({ topic, key: Buffer.from(`k${m}`), value: Buffer.from(logsProto(tag, PER_MESSAGE, m * PER_MESSAGE)) });
      }
      await producer.send({ messages: batch });
      if (pauseMs > 0) await new Promise((res) => setTimeout(res, pauseMs));
    }
  } finally {
    await producer.close();
  }
}

function expected(tag: string, records: number): string[] {
  return Array.from({ length: records }, (_, i) => `${tag}-${i}`);
}

describeService(kafka, 'kafka receiver: at-least-once and scale-out', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');
  // The file exporter acknowledges a batch once it is in its write buffer: with the queue off
  // and flush_interval 0 the line is on disk right after, well before the next commit.
  const config = (topic: string, group: string, out: string) => `
receivers:
  kafka:
    brokers: [${list}]
    group_id: ${group}
    initial_offset: earliest
    session_timeout: 6s
    heartbeat_interval: 1s
    logs: { topic: ${topic}, encoding: otlp_proto }
exporters:
  file: { path: ${out}, flush_interval: 0s, sending_queue: { enabled: false } }
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [kafka], exporters: [file] }
`;

  it('2. 10,000 records, the daemon SIGKILLed mid-stream and restarted: every record reaches the sink', async () => {
    const run = runId();
    const topic = `alo-${run}`;
    const dir = await tempDir('genrf-kafka-');
    const out = join(dir, 'logs.jsonl');
    await createTopics(brokers, [topic], 4);
    const first = await startDaemon(config(topic, `alo-${run}`, out));
    daemons.push(first);
    const total = 10_000;
    const producing = produce(brokers, topic, 'alo', total / PER_MESSAGE, 20, 150);
    await waitFor(async () => (await bodies(out)).length >= 5000, 30_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const atKill = new Set(await bodies(out)).size;
    await producing;
    expect(atKill, 'killed mid-stream, not after the end').toBeLessThan(total);

    const second = await startDaemon(config(topic, `alo-${run}`, out));
    daemons.push(second);
    await waitFor(async () => new Set(await bodies(out)).size >= total, 40_000).catch(async () => {
      throw new Error(`only ${new Set(await bodies(out)).size} of ${total} distinct records arrived`);
    });
    const all = await bodies(out);
    const distinct = new Set(all);
    expect([...distinct].sort()).toEqual(expected('alo', total).sort());
    console.log(`[kafka at-least-once] ${total} records, ${atKill} distinct in the file at SIGKILL; after restart ${all.length} lines of records, ${all.length - distinct.size} duplicates`);
    await waitFor(async () => (await groupLag(brokers, `alo-${run}`, topic)) === 0, 10_000);
  }, 90_000);

  it('3. two daemons split the partitions; one is SIGKILLed; the other takes over; nothing is lost', async () => {
    const run = runId();
    const topic = `scale-${run}`;
    const group = `scale-${run}`;
    const dir = await tempDir('genrf-kafka-');
    const [outA, outB] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
    await createTopics(brokers, [topic], 4);
    const a = await startDaemon(config(topic, group, outA));
    daemons.push(a);
    await waitFor(() => /joined group/.test(a.stderr()), 20_000);
    const b = await startDaemon(config(topic, group, outB));
    daemons.push(b);
    // Both members hold two of the four partitions.
    const partitions = (d: Daemon) => {
      const joins = [...d.stderr().matchAll(/"assignments":\[([^\]]*)\]/g)];
      const last = joins.at(-1)?.[1] ?? '';
      return last === '' ? 0 : (/:(\d[\d,]*)"/.exec(last)?.[1].split(',').length ?? 0);
    };
    await waitFor(() => partitions(a) === 2 && partitions(b) === 2, 30_000).catch(() => {
      throw new Error(`partitions not split: a=${partitions(a)} b=${partitions(b)}`);
    });

    await produce(brokers, topic, 'one', 40, 4, 0);
    await waitFor(async () => new Set(await bodies(outA, outB)).size >= 40 * PER_MESSAGE, 30_000);
    const [fromA, fromB] = [(await bodies(outA)).length, (await bodies(outB)).length];
    expect(fromA, 'daemon A consumed its share').toBeGreaterThan(0);
    expect(fromB, 'daemon B consumed its share').toBeGreaterThan(0);

    // Once A's (and B's) offsets are committed, its share must not come again: wait for the
    // commit itself (no lag left for the group), not for a guessed autocommit interval.
    await waitFor(async () => (await groupLag(brokers, group, topic)) === 0, 30_000);
    a.proc.kill('SIGKILL');
    await a.exited;
    await produce(brokers, topic, 'two', 40, 4, 0);
    await waitFor(() => partitions(b) === 4, 30_000).catch(() => {
      throw new Error(`B did not take over: ${partitions(b)} partitions`);
    });
    await waitFor(async () => new Set((await bodies(outA, outB)).filter((x) => x.startsWith('two-'))).size >= 40 * PER_MESSAGE, 30_000);
    const all = await bodies(outA, outB);
    const distinct = new Set(all);
    expect([...distinct].sort()).toEqual([...expected('one', 40 * PER_MESSAGE), ...expected('two', 40 * PER_MESSAGE)].sort());
    console.log(`[kafka scale-out] A wrote ${fromA}, B wrote ${fromB} of the first ${40 * PER_MESSAGE}; after A was killed B took all 4 partitions; ${all.length - distinct.size} duplicates`);
    expect(all.length - distinct.size, 'A committed what it had written before it was killed').toBe(0);
  }, 90_000);
});

// The Kafka client decision (docs/decisions.md, "Kafka client"): kafkajs against
// @platformatic/kafka on the real broker. Measures, for each client: produce throughput
// (acks all), each compression codec (produce and read back), group consume throughput with
// offset commit, and a consumer-group rebalance (a second member joins, then leaves) with a
// check that no message is lost. kafkajs is a dev dependency kept only for this script.
//
//   node bench/kafka-clients.bench.ts        (needs KAFKA_BROKERS or .services.env; skips otherwise)
import { randomUUID } from 'node:crypto';
import { kafkaBrokers } from './kafka-env.ts';

export interface Figure {
  name: string;
  value: number | string;
  unit: string;
}

const MESSAGES = 100_000;
const SIZE = 256;
const SEND_BATCH = 1000;
const PARTITIONS = 4;
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODEC_MESSAGES = 20_000;

interface ClientUnderTest {
  name: string;
  createTopic(topic: string): Promise<void>;
  /** Sends `count` messages in sends of SEND_BATCH, acks all; resolves when all are acknowledged. */
  produce(topic: string, count: number, compression?: (typeof CODECS)[number]): Promise<void>;
  /** Joins `group`, reads from the earliest offset until `count` messages, commits, leaves. */
  consume(topic: string, group: string, count: number): Promise<{ committed: number }>;
  /** A member that records the offsets it sees; `close` leaves the group. */
  member(topic: string, group: string, seen: Set<string>): Promise<{ partitions(): number; close(): Promise<void> }>;
  close(): Promise<void>;
}

const payload = Buffer.alloc(SIZE, 'x');

async function platformatic(brokers: string[]): Promise<ClientUnderTest> {
  const k = await import('@platformatic/kafka');
  const admin = new k.Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
  const producer = new k.Producer({ clientId: 'bench-p', bootstrapBrokers: brokers, acks: k.ProduceAcks.ALL, idempotent: true });
  const groupOpts = { sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 };
  return {
    name: '@platformatic/kafka',
    createTopic: async (topic) => {
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    },
    async produce(topic, count, compression) {
      const batch = Array.from({ length: SEND_BATCH }, (_, i) => ({ topic, key: Buffer.from(String(i)), value: payload }));
      const inflight: Promise<unknown>[] = [];
      for (let sent = 0; sent < count; sent += SEND_BATCH) {
        inflight.push(producer.send({ messages: batch, compression }));
        if (inflight.length >= 8) await inflight.shift();
      }
      await Promise.all(inflight);
    },
    async consume(topic, group, count) {
      const consumer = new k.Consumer({ clientId: 'bench-c', groupId: group, bootstrapBrokers: brokers, ...groupOpts, maxWaitTime: 200 });
      const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
      const last = new Map<number, { commit(): Promise<void> | void }>();
      let n = 0;
      await new Promise<void>((resolve) => {
        stream.on('data', (m) => {
          last.set(m.partition, m);
          if (++n === count) resolve();
        });
      });
      stream.pause();
      await Promise.all([...last.values()].map((m) => m.commit()));
      const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2, 3] }] });
      await stream.close();
      await consumer.close(true);
      return { committed: Number((committed.get(topic) ?? []).reduce((a, b) => a + (b > 0n ? b : 0n), 0n)) };
    },
    async member(topic, group, seen) {
      const consumer = new k.Consumer({ clientId: 'bench-m', groupId: group, bootstrapBrokers: brokers, ...groupOpts, maxWaitTime: 200 });
      const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: 200 });
      stream.on('data', (m) => seen.add(`${m.partition}:${m.offset}`));
      return {
        partitions: () => consumer.assignments?.reduce((a, t) => a + t.partitions.length, 0) ?? 0,
        close: async () => {
          await stream.close();
          await consumer.close(true);
        },
      };
    },
    close: async () => {
      await producer.close();
      await admin.close();
    },
  };
}

async function kafkajs(brokers: string[]): Promise<ClientUnderTest> {
  const { Kafka, CompressionTypes, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const codec = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
  const groupOpts = { sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 };
  return {
    name: 'kafkajs',
    createTopic: async (topic) => {
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
    },
    async produce(topic, count, compression) {
      const messages = Array.from({ length: SEND_BATCH }, (_, i) => ({ key: String(i), value: payload }));
      // An idempotent kafkajs producer allows one request in flight; send in series.
      for (let sent = 0; sent < count; sent += SEND_BATCH) {
        await producer.send({ topic, acks: -1, messages, compression: compression ? codec[compression] : CompressionTypes.None });
      }
    },
    async consume(topic, group, count) {
      const consumer = kafka.consumer({ groupId: group, ...groupOpts, maxWaitTimeInMs: 200 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let n = 0;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch, resolveOffset }) => {
              for (const m of batch.messages) {
                resolveOffset(m.offset);
                n++;
              }
              await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
              if (n >= count) resolve();
            },
          })
          .catch(reject);
      });
      const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      await consumer.disconnect();
      return { committed: offsets[0].partitions.reduce((a, p) => a + Math.max(0, Number(p.offset)), 0) };
    },
    async member(topic, group, seen) {
      const consumer = kafka.consumer({ groupId: group, ...groupOpts, maxWaitTimeInMs: 200 });
      let assigned = 0;
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        assigned = Object.values(e.payload.memberAssignment).reduce((a, p) => a + p.length, 0);
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.add(`${partition}:${message.offset}`);
        },
      });
      return { partitions: () => assigned, close: () => consumer.disconnect() };
    },
    close: async () => {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

async function until(cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) return -1;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Math.round(performance.now() - start);
}

async function measure(client: ClientUnderTest): Promise<Figure[]> {
  const out: Figure[] = [];
  const run = randomUUID().slice(0, 8);
  const topic = `bench-${client.name.replace(/\W/g, '')}-${run}`;
  await client.createTopic(topic);
  // Warm-up (connections, metadata, JIT) on another topic, so the figures are steady state.
  await client.createTopic(`${topic}-warmup`);
  await client.produce(`${topic}-warmup`, 20_000);
  let t = performance.now();
  await client.produce(topic, MESSAGES);
  out.push({ name: `${client.name}: produce ${SIZE} B, acks all, no compression`, value: Math.round(MESSAGES / ((performance.now() - t) / 1000)), unit: 'msg/s' });

  t = performance.now();
  const { committed } = await client.consume(topic, `g-${run}`, MESSAGES);
  out.push({ name: `${client.name}: group consume + commit`, value: Math.round(MESSAGES / ((performance.now() - t) / 1000)), unit: 'msg/s' });
  out.push({ name: `${client.name}: committed offsets after consume`, value: committed, unit: `of ${MESSAGES}` });

  for (const codec of CODECS) {
    const ct = `${topic}-${codec}`;
    try {
      await client.createTopic(ct);
      t = performance.now();
      await client.produce(ct, CODEC_MESSAGES, codec);
      const rate = Math.round(CODEC_MESSAGES / ((performance.now() - t) / 1000));
      const back = await Promise.race([client.consume(ct, `g-${run}-${codec}`, CODEC_MESSAGES), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('read-back timed out')), 20_000))]);
      out.push({ name: `${client.name}: ${codec} produce (read back ${back.committed})`, value: rate, unit: 'msg/s' });
    } catch (err) {
      out.push({ name: `${client.name}: ${codec}`, value: `unsupported: ${(err as Error).message.slice(0, 60)}`, unit: '' });
    }
  }

  // Rebalance: A owns all partitions; B joins (split), then B leaves (A takes all back).
  const seen = new Set<string>();
  const group = `g-${run}-rebalance`;
  const a = await client.member(topic, group, seen);
  await until(() => a.partitions() === PARTITIONS, 20_000);
  t = performance.now();
  const b = await client.member(topic, group, seen);
  const split = await until(() => a.partitions() > 0 && b.partitions() > 0 && a.partitions() + b.partitions() === PARTITIONS, 30_000);
  out.push({ name: `${client.name}: rebalance on join (second member assigned)`, value: split < 0 ? -1 : Math.round(performance.now() - t), unit: 'ms' });
  t = performance.now();
  await b.close();
  const back = await until(() => a.partitions() === PARTITIONS, 30_000);
  out.push({ name: `${client.name}: rebalance on leave (first member owns all)`, value: back < 0 ? -1 : Math.round(performance.now() - t), unit: 'ms' });
  await until(() => seen.size >= MESSAGES, 30_000);
  out.push({ name: `${client.name}: distinct messages seen across the rebalances`, value: seen.size, unit: `of ${MESSAGES}` });
  await a.close();
  await client.close();
  return out;
}

export async function runKafkaClientsBench(): Promise<Figure[]> {
  const brokers = await kafkaBrokers();
  if (brokers === undefined) {
    console.log('skipped: Kafka is not up (run scripts/services/up kafka, or set KAFKA_BROKERS)');
    return [];
  }
  const out: Figure[] = [];
  for (const make of [platformatic, kafkajs]) out.push(...(await measure(await make(brokers))));
  return out;
}

if (import.meta.main) {
  for (const f of await runKafkaClientsBench()) console.log(`${f.name.padEnd(70)} ${String(f.value).padStart(12)} ${f.unit}`);
  process.exit(0);
}

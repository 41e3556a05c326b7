// Shared by the kafka-*.test.ts service tests: unique names, topics, and the daemon config
// pieces for the kafka receiver and exporter against the real broker.
import { randomUUID } from 'node:crypto';
import { Admin, Consumer } from '@platformatic/kafka';

export function runId(): string {
  return randomUUID().slice(0, 8);
}

export async function createTopics(brokers: string[], topics: string[], partitions = 4): Promise<void> {
  const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Messages not yet consumed by the group: end offsets minus committed offsets, all partitions. */
export async function groupLag(brokers: string[], group: string, topic: string, partitions = 4): Promise<number> {
  const c = new Consumer({ clientId: 'test-lag', groupId: group, bootstrapBrokers: brokers });
  try {
    const ends = (await c.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const committed = (await c.listCommittedOffsets({ topics: [{ topic, partitions: Array.from({ length: partitions }, (_, i) => i) }] })).get(topic) ?? [];
    let lag = 0n;
    for (let p = 0; p < partitions; p++) lag += (ends[p] ?? 0n) - ((committed[p] ?? -1n) < 0n ? 0n : committed[p]!);
    return Number(lag);
  } finally {
    await c.close(true);
  }
}

/** Reads every message of `topic` from the start (a throwaway group); stops after `idleMs` without one. */
export async function readTopic(brokers: string[], topic: string, idleMs = 3000): Promise<Array<{ value: Buffer; headers: Record<string, string> }>> {
  const c = new Consumer({ clientId: 'test-read', groupId: `read-${runId()}`, bootstrapBrokers: brokers, maxWaitTime: 200 });
  const out: Array<{ value: Buffer; headers: Record<string, string> }> = [];
  try {
    const stream = await c.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    await new Promise<void>((resolve) => {
      let timer = setTimeout(resolve, idleMs);
      stream.on('data', (m) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of m.headers) headers[k.toString()] = v.toString();
        out.push({ value: m.value, headers });
        clearTimeout(timer);
        timer = setTimeout(resolve, idleMs);
      });
    });
    await stream.close();
  } finally {
    await c.close(true);
  }
  return out;
}

/** A metrics request (OTLP/JSON) with `n` gauges named `${tag}-${i}`. */
export function metricsRequest(tag: string, n: number): unknown {
  const metrics = [];
  for (let i = 0; i < n; i++) {
    metrics.push({
      name: `${tag}-${i}`,
      unit: '1',
      gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asInt: String(i), attributes: [{ key: 'k', value: { stringValue: 'v' } }] }] },
    });
  }
  return { resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-e2e' } }] }, scopeMetrics: [{ scope: { name: 'genrf.e2e' }, metrics }] }] };
}

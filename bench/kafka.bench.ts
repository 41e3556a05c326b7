// Kafka -> daemon -> file: a backlog of OTLP/protobuf log messages is written to a topic
// first, then the real daemon (child process) consumes it into a file. Reports log
// records/s from the daemon's start to the last record written, and the daemon's RSS.
//   node bench/kafka.bench.ts        (needs KAFKA_BROKERS or .services.env; skips otherwise)
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Producer } from '@platformatic/kafka';
import { encodeProto } from '../src/pdata/proto/index.ts';
import type { LogRecord, LogsData } from '../src/pdata/types.ts';
import { kafkaBrokers } from './kafka-env.ts';
import { freePort, rssKiB, spawnDaemon, stopDaemon, type Figure } from './util.ts';

const rssMiB = (pid: number, field: 'VmRSS' | 'VmHWM') => rssKiB(pid, field).then((kib) => Math.round(kib / 1024));

/** A genRF-like log batch: structlog-shaped records with a few attributes. */
function logs(n: number, from: number): Uint8Array {
  const logRecords: LogRecord[] = [];
  for (let i = from; i < from + n; i++) {
    logRecords.push({
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'info',
      body: { stringValue: `circuit generated in ${i % 97} ms` },
      attributes: [
        { key: 'circuit_type', value: { stringValue: 'lna' } },
        { key: 'job_id', value: { intValue: BigInt(i) } },
        { key: 'worker', value: { stringValue: `w${i % 8}` } },
      ],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    });
  }
  const data: LogsData = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-worker' } }], droppedAttributesCount: 0 },
        scopeLogs: [{ scope: { name: 'genrf.worker', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
  return encodeProto('logs', data);
}

async function sent(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^otelcol_exporter_sent_log_records_total\{[^}]*\} (\S+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export async function runKafkaBench(opts: { records?: number; perMessage?: number } = {}): Promise<Figure[]> {
  const brokers = await kafkaBrokers();
  if (brokers === undefined) {
    console.log('kafka bench skipped: Kafka is not up (run scripts/services/up kafka, or set KAFKA_BROKERS)');
    return [];
  }
  const perMessage = opts.perMessage ?? 500;
  const records = opts.records ?? 1_000_000;
  const messages = Math.ceil(records / perMessage);
  const run = randomUUID().slice(0, 8);
  const topic = `bench-logs-${run}`;
  const admin = new Admin({ clientId: 'bench', bootstrapBrokers: brokers });
  await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: brokers });
  const bodies = Array.from({ length: 8 }, (_, k) => Buffer.from(logs(perMessage, k * perMessage)));
  let bytes = 0;
  for (let m = 0; m < messages; m += 20) {
    const batch = [];
    for (let i = m; i < Math.min(messages, m + 20); i++) {
      batch.push({ topic, key: Buffer.from(`k${i}`), value: bodies[i % 8] });
      bytes += bodies[i % 8].length;
    }
    await producer.send({ messages: batch });
  }
  await producer.close();

  const dir = await mkdtemp(join(tmpdir(), 'genrf-kafka-bench-'));
  const metricsPort = await freePort();
  const config = join(dir, 'bench.yaml');
  await writeFile(
    config,
    `
receivers:
  kafka:
    brokers: [${brokers.map((b) => `"${b}"`).join(', ')}]
    group_id: bench-${run}
    initial_offset: earliest
    logs: { topic: ${topic}, encoding: otlp_proto }
exporters:
  file: { path: ${join(dir, 'logs.jsonl')}, sending_queue: { queue_size: 64 } }
service:
  telemetry: { metrics: { address: 127.0.0.1:${metricsPort} }, logs: { level: warn } }
  pipelines:
    logs: { receivers: [kafka], exporters: [file] }
`,
  );
  const started = performance.now();
  const { daemon, stderr } = spawnDaemon(config);
  let rss = 0;
  const deadline = started + 300_000;
  while ((await sent(metricsPort)) < messages * perMessage) {
    if (daemon.exitCode !== null || performance.now() > deadline) {
      daemon.kill('SIGKILL');
      throw new Error(`kafka bench: daemon did not write ${messages * perMessage} records in time:\n${stderr().slice(-2000)}`);
    }
    rss = Math.max(rss, await rssMiB(daemon.pid!, 'VmRSS'));
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const hwm = await rssMiB(daemon.pid!, 'VmHWM');
  await stopDaemon(daemon);
  const total = messages * perMessage;
  return [
    { name: `kafka -> daemon -> file: ${total} log records (${perMessage}/message, otlp_proto, 4 partitions)`, value: Math.round(total / seconds), unit: 'records/s' },
    { name: 'kafka -> daemon -> file: backlog read', value: Math.round((bytes / seconds / 1024 / 1024) * 10) / 10, unit: 'MiB/s' },
    { name: 'kafka -> daemon -> file: time incl. daemon start and group join', value: Math.round(seconds * 10) / 10, unit: 's' },
    { name: 'kafka -> daemon -> file: daemon RSS (peak)', value: Math.max(rss, hwm), unit: 'MiB' },
  ];
}

if (import.meta.main) {
  for (const f of await runKafkaBench()) console.log(`${f.name.padEnd(80)} ${String(f.value).padStart(10)} ${f.unit}`);
  process.exit(0);
}

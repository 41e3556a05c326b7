// The kafka receiver's per-message item bound (max_items_per_message): an OTLP message over it
// goes to the dead-letter topic with the reason in its headers and is counted, like any other
// bad message; the protobuf scan stops at the first item beyond it.
import { describe, expect, it } from 'vitest';
import { kafkaReceiverConfig } from '../../../../src/receivers/kafka/config.ts';
import { MessageHandler, type Route } from '../../../../src/receivers/kafka/message-handler.ts';
import type { DeadLetterWriter } from '../../../../src/receivers/kafka/dead-letter.ts';
import { PartitionQueue, type KafkaMessage } from '../../../../src/receivers/kafka/partition-queue.ts';
import { decodeMessage } from '../../../../src/kafka/encoding.ts';
import { TooManyItemsError } from '../../../../src/pdata/errors.ts';
import type { SelfMetrics } from '../../../../src/telemetry/metrics.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import { Reason } from '../../../../src/telemetry/drop-reasons.ts';
import { RecordingConsumer, logsRequest, testSettings } from '../otlp/helpers.ts';

/** OTLP/JSON logs with `n` empty records. */
const jsonRecords = (n: number) => Buffer.from(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[${Array.from({ length: n }, () => '{}').join(',')}]}]}]}`);

function value(metrics: SelfMetrics, name: string, labels: Record<string, string>): number {
  return metrics.snapshot().find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v))?.value ?? 0;
}

function setup(config: Record<string, unknown>, encoding: Route['encoding']) {
  const settings = testSettings('kafka');
  const written: Array<{ topic: string; offset: bigint; error: string }> = [];
  const dlq = {
    write: async (topic: string, m: KafkaMessage, error: string) => {
      written.push({ topic, offset: m.offset, error });
    },
  } as unknown as DeadLetterWriter;
  const handler = new MessageHandler({ id: 'kafka', logger: settings.logger, metrics: settings.metrics, config: kafkaReceiverConfig.parse(config), dlq, stop: new AbortController().signal });
  const consumer = new RecordingConsumer();
  const route: Route = { topic: 'logs', signal: 'logs', encoding, consumer, deadLetterTopic: 'logs.dlq', queues: [], owned: undefined };
  const q = new PartitionQueue('logs', 0);
  let offset = 0n;
  const handle = (v: Buffer) => handler.handle(route, q, { topic: 'logs', partition: 0, offset: offset++, key: null, value: v, headers: new Map() } as unknown as KafkaMessage);
  return { handle, written, consumer, metrics: settings.metrics };
}

describe('kafka receiver: max_items_per_message', () => {
  it('defaults to 65,536, as the otlp receiver', () => {
    expect(kafkaReceiverConfig.parse({}).max_items_per_message).toBe(65_536);
  });

  it('otlp_proto: a message over the limit is dead-lettered with the reason and counted; one at the limit is taken', async () => {
    const { handle, written, consumer, metrics } = setup({ max_items_per_message: 10 }, 'otlp_proto');
    expect(await handle(logsRequest(10))).toBe(true);
    expect(await handle(logsRequest(11))).toBe(true); // the offset moves on
    expect(consumer.items).toBe(10);
    expect(written).toHaveLength(1);
    expect(written[0].topic).toBe('logs.dlq');
    expect(written[0].offset).toBe(1n);
    expect(written[0].error).toMatch(
      /^too many items for otlp_proto logs: ExportLogsServiceRequest\.resource_logs\[0\]\.scope_logs\[0\]\.log_records\[10\]: more than 10 items in one message \(max_items_per_message\)/,
    );
    expect(value(metrics, 'genrf_collector_dropped_items_total', { component: 'receiver/kafka', otel_signal: 'logs', reason: 'dead_letter' })).toBe(1);
    expect(value(metrics, 'otelcol_receiver_refused_log_records_total', { receiver: 'kafka', transport: 'kafka' })).toBe(1);
    expect(value(metrics, 'otelcol_receiver_accepted_log_records_total', { receiver: 'kafka', transport: 'kafka' })).toBe(10);
  });

  it('otlp_json: the same bound, small messages after the parse and large ones before it', async () => {
    const { handle, written, consumer } = setup({ max_items_per_message: 100_000 }, 'otlp_json');
    expect(await handle(jsonRecords(100_000))).toBe(true);
    const large = jsonRecords(400_000); // over the 1 MiB pre-count threshold
    expect(large.length).toBeGreaterThan(1024 * 1024);
    expect(await handle(large)).toBe(true);
    expect(consumer.items).toBe(100_000);
    expect(written.map((w) => w.error)).toEqual([expect.stringMatching(/^too many items for otlp_json logs: more than 100000 items in one message \(max_items_per_message\), at byte \d+/)]);

    const small = setup({ max_items_per_message: 3 }, 'otlp_json');
    expect(await small.handle(jsonRecords(4))).toBe(true);
    expect(small.consumer.items).toBe(0);
    expect(small.written.map((w) => w.error)).toEqual(['too many items for otlp_json logs: 4 items in one message, more than 3 (max_items_per_message)']);
  });

  it('the protobuf scan stops at the first item beyond the limit', () => {
    // Ten million empty records (20 MB): refused after scanning limit + 1 of them, in milliseconds.
    const n = 10_000_000;
    const records = Buffer.alloc(2 * n);
    for (let i = 0; i < n; i++) records[2 * i] = 0x12;
    const varint = (x: number) => {
      const out: number[] = [];
      while (x > 0x7f) {
        out.push((x & 0x7f) | 0x80);
        x = Math.floor(x / 128);
      }
      out.push(x);
      return out;
    };
    const rl = Buffer.concat([Buffer.from([0x12, ...varint(records.length)]), records]);
    const msg = Buffer.concat([Buffer.from([0x0a, ...varint(rl.length)]), rl]);
    const started = performance.now();
    expect(() => decodeMessage('logs', 'otlp_proto', msg, 65_536)).toThrow(TooManyItemsError);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('kafka receiver: refused for good downstream', () => {
  it('a message bigger than a batch processor can ever hold is counted with reason request_too_large, and the offset moves on', async () => {
    const { handle, consumer, metrics } = setup({}, 'otlp_proto');
    consumer.refuse = (b) => ConsumerError.permanent(Reason.request_too_large, `a request of ${b.items} logs items can never fit max_pending_items (5)`, b.items);
    expect(await handle(logsRequest(7))).toBe(true);
    expect(value(metrics, 'genrf_collector_dropped_items_total', { component: 'receiver/kafka', otel_signal: 'logs', reason: 'request_too_large' })).toBe(7);
    expect(value(metrics, 'otelcol_receiver_refused_log_records_total', { receiver: 'kafka', transport: 'kafka' })).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { kafkaReceiverConfig } from '../../../../src/receivers/kafka/config.ts';
import { decodeMessage } from '../../../../src/kafka/encoding.ts';
import { decodeStructlog, encodeStructlog } from '../../../../src/kafka/structlog.ts';
import { DecodeError } from '../../../../src/pdata/errors.ts';
import type { LogsData } from '../../../../src/pdata/types.ts';
import { PartitionQueue } from '../../../../src/receivers/kafka/partition-queue.ts';
import type { KafkaMessage } from '../../../../src/receivers/kafka/partition-queue.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('kafka receiver config', () => {
  it('defaults follow the contrib receiver, with our limits', () => {
    const c = kafkaReceiverConfig.parse({});
    expect(c.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.group_id).toBe('genrf-collector');
    expect(c.initial_offset).toBe('latest');
    expect(c.logs).toEqual({ topic: 'otlp_logs', encoding: 'otlp_proto' });
    expect(c.autocommit.interval).toBe(1000);
    expect(c.max_message_bytes).toBe(10 * 1024 * 1024);
  });

  it('refuses log-only encodings for traces, a shared topic, and a heartbeat not below the session timeout', () => {
    const r = kafkaReceiverConfig.safeParse({ traces: { encoding: 'json' }, logs: { topic: 'x' }, metrics: { topic: 'x' }, heartbeat_interval: '20s' });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toContain('traces.encoding: encoding json is for logs only; use otlp_proto or otlp_json');
    expect(messages.some((m) => m.includes('each signal needs its own topic'))).toBe(true);
    expect(messages).toContain('heartbeat_interval: heartbeat_interval must be below session_timeout');
  });

  it('splits a comma-separated broker list (one env variable)', () => {
    expect(kafkaReceiverConfig.parse({ brokers: ['a:9092, b:9093'] }).brokers).toEqual(['a:9092', 'b:9093']);
    expect(kafkaReceiverConfig.safeParse({ brokers: ['nohost'] }).success).toBe(false);
  });
});

describe('structlog json encoding', () => {
  it('maps logger to scope, event to body, level to severity, the rest to attributes', () => {
    const d = decodeStructlog(utf8('{"timestamp":"2026-11-28T09:00:00.123456Z","level":"error","logger":"genrf.security","event":"denied","user":"ana","n":2,"x":1.5,"tags":["a"]}'));
    const sl = d.resourceLogs[0].scopeLogs[0];
    expect(sl.scope.name).toBe('genrf.security');
    const r = sl.logRecords[0];
    expect(r.body).toEqual({ stringValue: 'denied' });
    expect([r.severityText, r.severityNumber]).toEqual(['error', 17]);
    expect(r.timeUnixNano).toBe(1795856400123456000n);
    expect(r.attributes).toEqual([
      { key: 'user', value: { stringValue: 'ana' } },
      { key: 'n', value: { intValue: 2n } },
      { key: 'x', value: { doubleValue: 1.5 } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
    ]);
  });

  it('encodes back to the same object (nanosecond time kept)', () => {
    const text = '{"timestamp":"2026-11-28T09:00:00.123456789Z","level":"info","logger":"genrf.worker","event":"done","k":"v","n":3}';
    const d = decodeStructlog(utf8(text));
    const sl = d.resourceLogs[0].scopeLogs[0];
    expect(JSON.parse(encodeStructlog(sl.scope.name, sl.logRecords[0]))).toEqual(JSON.parse(text));
  });

  it('refuses what is not one JSON object', () => {
    expect(() => decodeMessage('logs', 'json', utf8('[1,2]'))).toThrow(DecodeError);
    expect(() => decodeMessage('logs', 'json', utf8('{oops'))).toThrow(/not JSON/);
    expect(() => decodeMessage('logs', 'otlp_proto', Uint8Array.from([0x0a, 0xff]))).toThrow(DecodeError);
  });

  it('raw: the bytes are the body', () => {
    const b = decodeMessage('logs', 'raw', Uint8Array.from([1, 2, 3]));
    expect((b.data as LogsData).resourceLogs[0].scopeLogs[0].logRecords[0].body).toEqual({ bytesValue: Uint8Array.from([1, 2, 3]) });
  });
});

describe('partition queue', () => {
  const msg = (offset: bigint, size = 10) => ({ offset, value: Buffer.alloc(size) }) as unknown as KafkaMessage;
  it('keeps order, tracks bytes and the next offset, and compacts without losing messages', () => {
    const q = new PartitionQueue('t', 0);
    for (let i = 0n; i < 3000n; i++) q.push(msg(i));
    expect([q.length, q.bytes, q.nextOffset]).toEqual([3000, 30000, 3000n]);
    for (let i = 0n; i < 2500n; i++) {
      expect(q.peek()!.offset).toBe(i);
      q.shift();
    }
    expect([q.length, q.bytes, q.peek()!.offset]).toEqual([500, 5000, 2500n]);
    expect(q.clear()).toBe(500);
    expect([q.length, q.bytes, q.peek()]).toEqual([0, 0, undefined]);
  });
});

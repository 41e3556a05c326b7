// Issue #4, check 1: every encoding round-trips, exporter -> Kafka -> receiver -> file, with
// the records unchanged; and check 4: garbage, wrong-encoding and oversized messages go to
// the dead-letter topic with counters, and the pipeline keeps flowing; otlp_proto messages are
// validated down to the last nested field (issue 11).
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterEach, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor, type Daemon } from '../e2e/helpers/daemon.ts';
import { allRecords, logsProto, logsRequest, metricValue, normalize, postOtlp, scrape, tracesRequest, waitForRecords, type Signal } from '../e2e/helpers/otlp.ts';
import { describeService, requireService } from './helpers/services.ts';
import { createTopics, metricsRequest, readTopic, runId } from './kafka-helpers.ts';

const kafka = await requireService('kafka');
const daemons: Daemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const REQUESTS: Record<Signal, (tag: string) => Json> = {
  logs: (tag) => logsRequest(tag, 5),
  traces: (tag) => tracesRequest(tag, 5),
  metrics: (tag) => metricsRequest(tag, 5),
};

describeService(kafka, 'kafka receiver and exporter: encodings round-trip', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');

  async function roundTrip(encoding: string, signals: Signal[]): Promise<{ sent: Record<string, Json>; got: Record<string, Json[]> }> {
    const run = runId();
    const dir = await tempDir('genrf-kafka-');
    const [http, metrics] = [await freePort(), await freePort()];
    const topic = (s: Signal) => `rt-${encoding}-${s}-${run}`;
    await createTopics(brokers, signals.map(topic));
    const topics = signals.map((s) => `    ${s}: { topic: ${topic(s)}, encoding: ${encoding} }`).join('\n');
    const d = await startDaemon(`
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
  kafka:
    brokers: [${list}]
    group_id: rt-${run}
    initial_offset: earliest
${topics}
exporters:
  kafka:
    brokers: [${list}]
${topics}
${signals.map((s) => `  file/${s}: { path: ${join(dir, `${s}.jsonl`)} }`).join('\n')}
service:
  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }
  pipelines:
${signals.map((s) => `    ${s}/in: { receivers: [otlp], exporters: [kafka] }\n    ${s}/out: { receivers: [kafka], exporters: [file/${s}] }`).join('\n')}
`);
    daemons.push(d);
    const sent: Record<string, Json> = {};
    const got: Record<string, Json[]> = {};
    for (const s of signals) {
      sent[s] = REQUESTS[s](`${encoding}-${s}`);
      const res = await postOtlp(http, `/v1/${s}`, JSON.stringify(sent[s]));
      expect(res.status, res.text).toBe(200);
    }
    for (const s of signals) got[s] = await waitForRecords(join(dir, `${s}.jsonl`), s, 5, 20_000);
    return { sent, got };
  }

  it('otlp_proto and otlp_json: traces, metrics and logs arrive unchanged', async () => {
    for (const encoding of ['otlp_proto', 'otlp_json']) {
      const { sent, got } = await roundTrip(encoding, ['traces', 'metrics', 'logs']);
      for (const s of ['traces', 'metrics', 'logs'] as const) {
        expect(normalize(got[s]), `${encoding} ${s}`).toEqual([normalize(sent[s])]);
      }
    }
  }, 60_000);

  it('json (structlog) and raw logs: the fields each encoding carries arrive unchanged', async () => {
    const structlog = await roundTrip('json', ['logs']);
    const records = allRecords('logs', structlog.got.logs).map((r) =>
      normalize({
        body: r.body,
        severityText: r.severityText,
        severityNumber: r.severityNumber,
        timeUnixNano: r.timeUnixNano,
        attributes: r.attributes,
        scope: r.scope.name,
      }),
    );
    const want = allRecords('logs', [structlog.sent.logs]).map((r) =>
      normalize({
        body: r.body,
        severityText: r.severityText,
        severityNumber: r.severityNumber,
        timeUnixNano: r.timeUnixNano,
        attributes: r.attributes,
        scope: r.scope.name,
      }),
    );
    expect(records).toEqual(want);

    const raw = await roundTrip('raw', ['logs']);
    const bodies = allRecords('logs', raw.got.logs).map((r) => Buffer.from(r.body.bytesValue, 'base64').toString());
    expect(bodies).toEqual(allRecords('logs', [raw.sent.logs]).map((r) => r.body.stringValue));
  }, 60_000);

  it('a structlog record from a genRF worker: logger becomes the scope, event the body, the rest attributes', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-');
    const topic = `structlog-${run}`;
    await createTopics(brokers, [topic]);
    const d = await startDaemon(`
receivers:
  kafka: { brokers: [${list}], group_id: sl-${run}, initial_offset: earliest, logs: { topic: ${topic}, encoding: json } }
exporters:
  file: { path: ${join(dir, 'logs.jsonl')} }
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [kafka], exporters: [file] }
`);
    daemons.push(d);
    const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers });
    await producer.send({
      messages: [
        {
          topic,
          value: Buffer.from(
            JSON.stringify({
              timestamp: '2026-11-28T09:00:00.123456Z',
              level: 'warning',
              logger: 'genrf.security',
              event: 'login failed',
              user: 'ana',
              attempts: 3,
              ok: false,
            }),
          ),
        },
      ],
    });
    await producer.close();
    const [r] = allRecords('logs', await waitForRecords(join(dir, 'logs.jsonl'), 'logs', 1, 20_000));
    expect(r.scope.name).toBe('genrf.security');
    expect(r.body).toEqual({ stringValue: 'login failed' });
    expect(r.severityText).toBe('warning');
    expect(r.severityNumber).toBe(13);
    expect(r.timeUnixNano).toBe('1795856400123456000');
    expect(normalize(r.attributes)).toEqual(
      normalize([
        { key: 'user', value: { stringValue: 'ana' } },
        { key: 'attempts', value: { intValue: '3' } },
        { key: 'ok', value: { boolValue: false } },
      ]),
    );
  }, 60_000);
});

describeService(kafka, 'kafka receiver: dead-letter topic', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');

  it('garbage, wrong-encoding, oversized and too-many-items messages go to the DLQ with the error in headers; good ones still arrive', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-');
    const topic = `dlq-${run}`;
    const dlq = `${topic}.dead`;
    const metrics = await freePort();
    await createTopics(brokers, [topic, dlq], 1);
    const d = await startDaemon(`
receivers:
  kafka:
    brokers: [${list}]
    group_id: dlq-${run}
    initial_offset: earliest
    logs: { topic: ${topic}, encoding: otlp_json }
    dead_letter_topic: ${dlq}
    max_message_bytes: 4096
    max_items_per_message: 3
exporters:
  file: { path: ${join(dir, 'logs.jsonl')} }
service:
  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }
  pipelines:
    logs: { receivers: [kafka], exporters: [file] }
`);
    daemons.push(d);
    const good = (i: number) => ({ topic, value: Buffer.from(JSON.stringify(logsRequest(`good${i}`, 2))) });
    const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers });
    await producer.send({
      messages: [
        good(0),
        { topic, value: Buffer.from('\x00\xffnot json at all') }, // garbage
        {
          topic,
          value: Buffer.from(
            JSON.stringify(tracesRequest('wrong', 1))
              .replace('resourceSpans', 'resourceLogs')
              .replace('scopeSpans', 'scopeLogs')
              .replace('"spans"', '"logRecords"')
              .replace('"traceId":"5b8efff798038103d269b633813fc60c"', '"traceId":42'),
          ),
        }, // wrong encoding (a trace id that is not hex)
        { topic, value: Buffer.alloc(10_000, 'x') }, // oversized
        { topic, value: Buffer.from(JSON.stringify(logsRequest('big', 4))) }, // over max_items_per_message
        good(1),
      ],
    });
    await producer.close();
    const lines = await waitForRecords(join(dir, 'logs.jsonl'), 'logs', 4, 20_000);
    expect(allRecords('logs', lines).map((r) => r.body.stringValue)).toEqual(['good0-0', 'good0-1', 'good1-0', 'good1-1']);

    const dead = await readTopic(brokers, dlq);
    expect(dead).toHaveLength(4);
    expect(dead.map((m) => m.headers['genrf.original.offset'])).toEqual(['1', '2', '3', '4']);
    expect(dead[0].headers['genrf.error']).toMatch(/cannot decode as otlp_json logs/);
    expect(dead[2].headers['genrf.error']).toMatch(/10000 bytes is over max_message_bytes \(4096\)/);
    expect(dead[2].value.length).toBe(10_000);
    expect(dead[3].headers['genrf.error']).toBe('too many items for otlp_json logs: 4 items in one message, more than 3 (max_items_per_message)');
    await waitFor(async () => metricValue(await scrape(metrics), 'genrf_collector_dropped_items_total', { component: 'receiver/kafka', reason: 'dead_letter' }) === 4, 10_000);
    expect(metricValue(await scrape(metrics), 'otelcol_receiver_accepted_log_records_total', { receiver: 'kafka', transport: 'kafka' })).toBe(4);
  }, 60_000);
});

describeService(kafka, 'kafka receiver: otlp_proto is validated completely (issue 11)', (env) => {
  const brokers = env.KAFKA_BROKERS!.split(',');
  const list = brokers.map((b) => `"${b}"`).join(', ');

  it('a message malformed deep inside goes to the DLQ; the good messages batched with it all arrive', async () => {
    const run = runId();
    const dir = await tempDir('genrf-kafka-');
    const topic = `proto-dlq-${run}`;
    const dlq = `${topic}.dead`;
    const metrics = await freePort();
    await createTopics(brokers, [topic, dlq], 1);
    const d = await startDaemon(`
receivers:
  kafka:
    brokers: [${list}]
    group_id: proto-dlq-${run}
    initial_offset: earliest
    logs: { topic: ${topic}, encoding: otlp_proto }
    dead_letter_topic: ${dlq}
processors:
  batch: { timeout: 1s, send_batch_size: 1000 }
exporters:
  file: { path: ${join(dir, 'logs.jsonl')} }
service:
  telemetry: { metrics: { address: 127.0.0.1:${metrics} } }
  pipelines:
    logs: { receivers: [kafka], processors: [batch], exporters: [file] }
`);
    daemons.push(d);
    // A log record ending with field 13 of wire type 7, and one whose body nests 70 kvlists.
    const lenField = (f: number, body: number[]): number[] => [(f << 3) | 2, ...varint(body.length), ...body];
    const str = (f: number, s: string): number[] => lenField(f, [...Buffer.from(s)]);
    const request = (record: number[]): Buffer => Buffer.from(lenField(1, lenField(2, lenField(2, record))));
    let deep = str(1, 'leaf');
    for (let i = 0; i < 70; i++) deep = lenField(6, lenField(1, [...str(1, 'k'), ...lenField(2, deep)]));
    const producer = new Producer({ clientId: 'test', bootstrapBrokers: brokers });
    await producer.send({
      messages: [
        ...Array.from({ length: 8 }, (_, i) => ({ topic, value: Buffer.from(logsProto('good', 1, i)) })),
        { topic, value: request([...lenField(5, str(1, 'poison')), (13 << 3) | 7, 1, 2, 3]) },
        { topic, value: request(lenField(5, deep)) },
        ...Array.from({ length: 7 }, (_, i) => ({ topic, value: Buffer.from(logsProto('good', 1, 8 + i)) })),
      ],
    });
    await producer.close();
    const lines = await waitForRecords(join(dir, 'logs.jsonl'), 'logs', 15, 20_000);
    expect(
      allRecords('logs', lines)
        .map((r) => r.body.stringValue)
        .sort(),
    ).toEqual(Array.from({ length: 15 }, (_, i) => `good-${i}`).sort());

    const dead = await readTopic(brokers, dlq);
    expect(dead.map((m) => m.headers['genrf.original.offset'])).toEqual(['8', '9']);
    expect(dead[0].headers['genrf.error']).toMatch(/resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]\.field 13: invalid wire type 7/);
    expect(dead[1].headers['genrf.error']).toMatch(/log_records\[0\]\.body\.kvlist_value.*nested deeper than 64 levels/);
    const m = await scrape(metrics);
    expect(metricValue(m, 'genrf_collector_dropped_items_total', { component: 'receiver/kafka', reason: 'dead_letter' })).toBe(2);
    expect(metricValue(m, 'genrf_collector_dropped_items_total', { reason: 'permanent_error' })).toBe(0);
  }, 60_000);
});

function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

import { describe, expect, it } from 'vitest';
import { kafkaReceiverFactory } from '../../../src/receivers/kafka/factory.ts';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.ts';
import { DecodeError } from '../../../src/pdata/errors.ts';
import type { LogsData } from '../../../src/pdata/types.ts';

// What `genrf-collector test` relies on: a receiver decodes one input as it decodes what it receives.
const utf8 = new TextEncoder();
const structlog = utf8.encode(JSON.stringify({ timestamp: '2026-11-28T09:00:00Z', level: 'warning', logger: 'genrf.security.auth', event: 'login failed', user: 'x' }));

describe('receiver decode for pipeline tests', () => {
  it('kafka: the topic encoding, header_extraction and max_message_bytes, as the receiver applies them', () => {
    const config = kafkaReceiverFactory.config.parse({
      logs: { encoding: 'json' },
      max_message_bytes: 1000,
      header_extraction: { extract_headers: true, headers: ['tenant'] },
    });
    const batch = kafkaReceiverFactory.decode!(config, {
      signal: 'logs',
      body: structlog,
      headers: [
        ['tenant', 'acme'],
        ['other', 'x'],
      ],
    });
    const data = batch.data as LogsData;
    expect(data.resourceLogs[0].scopeLogs[0].scope.name).toBe('genrf.security.auth');
    expect(data.resourceLogs[0].resource.attributes).toEqual([{ key: 'kafka.header.tenant', value: { stringValue: 'acme' } }]);
    expect(() => kafkaReceiverFactory.decode!(config, { signal: 'logs', body: new Uint8Array(1001) })).toThrow(/over max_message_bytes \(1000\)/);
    const proto = kafkaReceiverFactory.config.parse({});
    expect(() => kafkaReceiverFactory.decode!(proto, { signal: 'logs', body: structlog })).toThrow(DecodeError);
    expect(() => kafkaReceiverFactory.decode!(proto, { signal: 'logs', body: structlog })).toThrow(/cannot decode as otlp_proto logs/);
  });

  it('otlp: JSON and protobuf request bodies', () => {
    const config = otlpReceiverFactory.config.parse({ protocols: { http: {} } });
    const json = utf8.encode(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ scope: { name: 's' }, logRecords: [{ body: { stringValue: 'a' } }, {}] }] }] }));
    const batch = otlpReceiverFactory.decode!(config, { signal: 'logs', format: 'json', body: json });
    expect(batch.items).toBe(2);
    const again = otlpReceiverFactory.decode!(config, { signal: 'logs', format: 'proto', body: batch.toProto() });
    expect(again.items).toBe(2);
    expect(() => otlpReceiverFactory.decode!(config, { signal: 'logs', format: 'json', body: utf8.encode('{"resourceLogs": 1}') })).toThrow(/resourceLogs/);
  });
});

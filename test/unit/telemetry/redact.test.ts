import { describe, expect, test } from 'vitest';
import { redactText } from '../../../src/telemetry/redact.ts';

describe('redactText', () => {
  test.each([
    ['POST http://admin:SuperSecretPw123@127.0.0.1:1/v1/logs: connect ECONNREFUSED', 'POST http://***@127.0.0.1:1/v1/logs: connect ECONNREFUSED'],
    ['kafka brokers sasl://user:pw@broker:9092', 'kafka brokers sasl://***@broker:9092'],
    [
      '{"headers":{"authorization":"Bearer abcdefg","x-api-key":"k123","Cookie":"s=1"},"token_file":"/etc/t"}',
      '{"headers":{"authorization":"***","x-api-key":"***","Cookie":"***"},"token_file":"/etc/t"}',
    ],
    ['{"password":"with \\"quote\\" inside","user":"bob"}', '{"password":"***","user":"bob"}'],
    ['invalid header Authorization: Bearer tok12345 here', 'invalid header Authorization: Bearer *** here'],
    ['Basic dXNlcjpwYXNz in a message', 'Basic *** in a message'],
    ['https://h/x?api_key=abc123&x=1 password=hunter2 client_secret: zz9', 'https://h/x?api_key=***&x=1 password=*** client_secret: ***'],
  ])('%s', (input, masked) => {
    expect(redactText(input)).toBe(masked);
  });

  test('text without secrets comes back as it was', () => {
    for (const s of ['exporter/otlphttp@logs', 'listening on 127.0.0.1:4318', 'batch_full: 10 items', 'key=value at 07:26:33', 'token_file=/etc/genrf/reload-token is read at start']) {
      expect(redactText(s)).toBe(s);
    }
  });
});

// Every field on a security path is scanned (issue 13, class 3): bytes that are text, the
// log record's event_name, scope name/version/attributes, attribute and kvlist keys, span
// names, events, links and status, metric names, descriptions and metadata.
import { describe, expect, it } from 'vitest';
import { kv, logs, metrics, traces } from '../../../fixtures/redaction/pii-classes.ts';
import { json, make } from './helpers.ts';

const EMAIL = 'alice.smith@example.com';

describe('fields the redaction processor scans', () => {
  it('bytes that are UTF-8 are scrubbed and stay bytes; other bytes pass as they are', () => {
    const { p } = make();
    const binary = new Uint8Array([0xff, 0xfe, 0x00, ...Buffer.from(EMAIL)]);
    const data = logs({ body: { bytesValue: Buffer.from(`user ${EMAIL}`) }, attributes: [kv('raw', { bytesValue: binary })] });
    p.process('logs', data);
    const rec = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(Buffer.from(rec.body!.bytesValue!).toString('utf8')).toBe('user [REDACTED:email]');
    expect(rec.attributes[0].value.bytesValue).toBe(binary); // not text: not scanned (README: out of scope)
  });

  it('an attribute key that is an e-mail address is redacted, and the debug summary names the redacted key, not the address', () => {
    const { p } = make({ summary: 'debug' });
    const data = logs({ body: { kvlistValue: { values: [kv(EMAIL, 'x')] } }, attributes: [kv(EMAIL, 'admin')], eventName: `login ${EMAIL}` });
    p.process('logs', data);
    const out = json(data);
    expect(out).not.toContain(EMAIL);
    const rec = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(rec.attributes[0].key).toBe('[REDACTED:email]');
    expect(rec.eventName).toBe('login [REDACTED:email]');
    expect(rec.attributes.find((a) => a.key === 'redaction.redacted.count')?.value.intValue).toBe(3n);
  });

  it('scope name, version and attributes, resource attributes and keys, on every signal', () => {
    const w = { scopeName: `genrf.security.${EMAIL}`, scopeVersion: EMAIL, scopeAttrs: [kv('o', EMAIL)], resourceAttrs: [kv(EMAIL, EMAIL)] };
    for (const [signal, data] of [
      ['logs', logs({ body: { stringValue: 'x' } }, w)],
      [
        'traces',
        traces(
          { name: `login ${EMAIL}`, status: { code: 2, message: EMAIL }, links: [{ traceId: '', spanId: '', traceState: '', attributes: [kv('u', EMAIL)], droppedAttributesCount: 0, flags: 0 }] },
          w,
        ),
      ],
      ['metrics', metrics({ name: `m_${EMAIL}`, description: EMAIL, metadata: [kv('u', EMAIL)], attrs: [kv(EMAIL, 'x')], exemplarAttrs: [kv('u', EMAIL)] }, w)],
    ] as const) {
      const { p } = make({}, signal);
      p.process(signal, data);
      expect(json(data), signal).not.toContain(EMAIL);
    }
  });
});

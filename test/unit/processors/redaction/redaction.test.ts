import { describe, expect, it } from 'vitest';
import type { AnyValue, KeyValue, LogsData, MetricsData, TracesData } from '../../../../src/pdata/types.ts';
import { redactionProcessorConfig } from '../../../../src/processors/redaction/config.ts';
import { Batch, KEY, json, make } from './helpers.ts';

const str = (stringValue: string): AnyValue => ({ stringValue });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const scope = { name: 'genrf.security', version: '', attributes: [] as KeyValue[], droppedAttributesCount: 0 };

function logs(records: Array<{ body?: AnyValue; attributes?: KeyValue[] }>, resourceAttrs: KeyValue[] = []): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: resourceAttrs, droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { ...scope, attributes: [] },
            logRecords: records.map((r) => ({
              timeUnixNano: 0n,
              observedTimeUnixNano: 0n,
              severityNumber: 0,
              severityText: '',
              body: r.body,
              attributes: r.attributes ?? [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: '',
              spanId: '',
              eventName: '',
            })),
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

const attr = (attrs: KeyValue[], key: string) => attrs.find((a) => a.key === key)?.value;

describe('redaction config', () => {
  it('turns every built-in detector on with action mask, and keeps all keys unless allowed_keys is set', () => {
    const c = redactionProcessorConfig.parse({});
    expect(Object.values(c.detectors).every((d) => d.enabled && d.action === 'mask')).toBe(true);
    expect(Object.keys(c.detectors)).toHaveLength(27);
    expect(c.allow_all_keys).toBe(true);
    expect(redactionProcessorConfig.parse({ allowed_keys: ['a'] }).allow_all_keys).toBe(false);
    expect(c.summary).toBe('silent');
  });

  it('reports a bad regex and a custom detector named like a built-in one, with their paths', () => {
    const r = redactionProcessorConfig.safeParse({ blocked_values: ['(unclosed'], custom: [{ name: 'email', pattern: 'x' }] });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues.some((m) => m.startsWith('blocked_values.0: invalid regular expression'))).toBe(true);
    expect(issues).toContain('custom.0.name: "email" is a built-in detector name; pick another');
  });
});

describe('keyed hashing', () => {
  const cfg = { detectors: { email: { action: 'hash' } } };
  const hashOf = (env: NodeJS.ProcessEnv, value: string) => {
    const { p } = make(cfg, 'logs', env);
    const data = logs([{ body: str(`user ${value} failed`) }]);
    p.process('logs', data);
    return data.resourceLogs[0].scopeLogs[0].logRecords[0].body!.stringValue!;
  };

  it('gives the same token for the same user with the same key (a restart), another with another key', () => {
    const a = hashOf({ GENRF_REDACTION_KEY: KEY }, 'alice@example.com');
    const b = hashOf({ GENRF_REDACTION_KEY: KEY }, 'Alice@Example.com');
    const c = hashOf({ GENRF_REDACTION_KEY: 'another-key-of-enough-length' }, 'alice@example.com');
    const d = hashOf({ GENRF_REDACTION_KEY: KEY }, 'bob@example.com');
    expect(a).toMatch(/^user \[HASHED:email:[0-9a-f]{16}\] failed$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });

  it('refuses to start without a key rather than hash without one', () => {
    expect(() => make(cfg, 'logs', {})).toThrow(/GENRF_REDACTION_KEY \(hash_key_env\) is not set/);
    expect(() => make(cfg, 'logs', { GENRF_REDACTION_KEY: 'short' })).toThrow(/at least 16/);
    expect(() => make({}, 'logs', {})).not.toThrow(); // no hash action: no key needed
  });
});

describe('redaction of logs', () => {
  it('redacts sensitive keys whatever the value, on the last key segment too, in attributes and structured bodies', () => {
    const { p } = make();
    const data = logs([
      {
        body: {
          kvlistValue: {
            values: [kv('user', { kvlistValue: { values: [kv('password', str('hunter2-plain')), kv('name', str('Alice'))] } }), kv('items', { arrayValue: { values: [str('mail bob@example.org')] } })],
          },
        },
        attributes: [kv('http.request.header.authorization', { arrayValue: { values: [str('opaque-value')] } }), kv('db.password', { intValue: 1234n }), kv('circuit', str('LNA'))],
      },
    ]);
    p.process('logs', data);
    const out = json(data);
    expect(out).not.toContain('hunter2-plain');
    expect(out).not.toContain('opaque-value');
    expect(out).not.toContain('bob@example.org');
    const rec = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(attr(rec.attributes, 'http.request.header.authorization')).toEqual(str('[REDACTED:sensitive_key]'));
    expect(attr(rec.attributes, 'db.password')).toEqual(str('[REDACTED:sensitive_key]'));
    expect(attr(rec.attributes, 'circuit')).toEqual(str('LNA'));
    expect(out).toContain('"Alice"');
    expect(out).toContain('mail [REDACTED:email]');
  });

  it('leaves ignored_keys and allowed_values alone, and removes keys outside allowed_keys', () => {
    const { p } = make({ ignored_keys: ['support.contact'], allowed_values: ['.+@genrf\\.io'], allowed_keys: ['support.contact', 'note'] });
    const data = logs([{ attributes: [kv('support.contact', str('ops@example.com')), kv('note', str('ask help@genrf.io or eve@example.com')), kv('extra', str('x'))] }]);
    p.process('logs', data);
    const attrs = data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes;
    expect(attrs.map((a) => a.key)).toEqual(['support.contact', 'note']);
    expect(attr(attrs, 'support.contact')).toEqual(str('ops@example.com'));
    expect(attr(attrs, 'note')).toEqual(str('ask help@genrf.io or [REDACTED:email]'));
  });

  it('applies drop_attribute and drop_record, and counts dropped records', async () => {
    const { p, next, settings } = make({ detectors: { us_ssn: { action: 'drop_attribute' }, credit_card: { action: 'drop_record' } } });
    const data = logs([
      { body: str('ok'), attributes: [kv('ssn', str('123-45-6789')), kv('keep', str('1.2.3'))] },
      { body: str('paid with 4111-1111-1111-1111') },
      { body: str('ssn in body 123-45-6789') },
    ]);
    await p.consume(Batch.of('logs', data));
    const recs = (next.batches[0].data as LogsData).resourceLogs[0].scopeLogs[0].logRecords;
    expect(recs).toHaveLength(2);
    expect(recs[0].attributes.map((a) => a.key)).toEqual(['keep']);
    expect(recs[1].body).toEqual(str('[REDACTED:us_ssn]'));
    expect(await settings.metrics.render()).toMatch(/genrf_collector_dropped_items_total\{component="processor\/redaction\/pii",otel_signal="logs",reason="redaction_drop_record"\} 1/);
  });

  it('fails closed: a record that cannot be scrubbed is dropped and counted, the rest pass', async () => {
    const { p, next, settings } = make();
    const broken = { kvlistValue: { values: null } } as unknown as AnyValue; // malformed: scrubbing throws
    const data = logs([{ body: broken, attributes: [kv('note', str('leak alice@example.com'))] }, { body: str('bob@example.com') }]);
    await p.consume(Batch.of('logs', data));
    const out = json(next.batches[0].data);
    expect(out).not.toContain('alice@example.com');
    expect((next.batches[0].data as LogsData).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(1);
    expect(await settings.metrics.render()).toMatch(/reason="redaction_failed"\} 1/);
  });

  it('scrubs resource and scope attributes and adds summary attributes without values', async () => {
    const { p, settings } = make({ summary: 'info' });
    const data = logs([{ body: str('from 203.0.113.9 by carol@example.com and dave@example.com') }], [kv('host.ip', str('10.1.2.3'))]);
    data.resourceLogs[0].scopeLogs[0].scope.attributes.push(kv('owner', str('erin@example.com')));
    p.process('logs', data);
    const rl = data.resourceLogs[0];
    expect(attr(rl.resource.attributes, 'host.ip')).toEqual(str('[REDACTED:ipv4]'));
    expect(attr(rl.scopeLogs[0].scope.attributes, 'owner')).toEqual(str('[REDACTED:email]'));
    const rec = rl.scopeLogs[0].logRecords[0];
    expect(attr(rec.attributes, 'redaction.redacted.count')).toEqual({ intValue: 3n });
    expect(attr(rec.attributes, 'redaction.redacted.detectors')).toEqual(str('email,ipv4'));
    expect(await settings.metrics.render()).toMatch(/genrf_collector_redactions_total\{processor="redaction\/pii",detector="email"\} 3/);
  });

  it('applies custom patterns and blocked_values', () => {
    const { p } = make({ custom: [{ name: 'employee_id', pattern: 'EMP-\\d{6}' }], blocked_values: ['(?i)project-falcon'] });
    const data = logs([{ body: str('EMP-123456 worked on Project-Falcon') }]);
    p.process('logs', data);
    expect(data.resourceLogs[0].scopeLogs[0].logRecords[0].body).toEqual(str('[REDACTED:employee_id] worked on [REDACTED:blocked_value]'));
  });

  it('finds a Slack webhook URL and an AWS secret key at the edges of a line, and leaves 40-character look-alikes', () => {
    // The webhook has no 'x' and no '-' (the prefilter once needed one of them); the secret
    // ends the line; the git SHA, the key followed by '=' and the 41-character run are not keys.
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { p } = make();
    const data = logs([
      { body: str('posted https://hooks.slack.com/services/T00000000/B00000000/abcdefghijklmnopqrstuvw ok') },
      { body: str(`${secret} first, then last: ${secret}`) },
      { body: str(`commit 0123456789abcdef0123456789abcdef01234567 ${secret}= ${secret}A`) },
    ]);
    p.process('logs', data);
    expect(data.resourceLogs[0].scopeLogs[0].logRecords.map((r) => r.body)).toEqual([
      str('posted [REDACTED:slack_token] ok'),
      str('[REDACTED:aws_secret_key] first, then last: [REDACTED:aws_secret_key]'),
      str(`commit 0123456789abcdef0123456789abcdef01234567 ${secret}= ${secret}A`),
    ]);
  });
});

describe('redaction of traces and metrics', () => {
  it('scrubs span names, attributes, events, links and status messages', () => {
    const { p } = make({}, 'traces');
    const data: TracesData = {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeSpans: [
            {
              scope,
              schemaUrl: '',
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: '051581bf3cb55c13',
                  traceState: '',
                  parentSpanId: '',
                  flags: 0,
                  name: 'GET /users/alice@example.com',
                  kind: 2,
                  startTimeUnixNano: 0n,
                  endTimeUnixNano: 0n,
                  attributes: [kv('client.address', str('198.51.100.7'))],
                  droppedAttributesCount: 0,
                  events: [{ timeUnixNano: 0n, name: 'exception', attributes: [kv('exception.message', str('bad token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'))], droppedAttributesCount: 0 }],
                  droppedEventsCount: 0,
                  links: [{ traceId: '', spanId: '', traceState: '', attributes: [kv('peer', str('bob@example.com'))], droppedAttributesCount: 0, flags: 0 }],
                  droppedLinksCount: 0,
                  status: { code: 2, message: 'card 4111111111111111 declined' },
                },
              ],
            },
          ],
        },
      ],
    };
    p.process('traces', data);
    const span = data.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.name).toBe('GET /users/[REDACTED:email]');
    expect(attr(span.attributes, 'client.address')).toEqual(str('[REDACTED:ipv4]'));
    expect(attr(span.events[0].attributes, 'exception.message')).toEqual(str('bad token [REDACTED:github_token]'));
    expect(attr(span.links[0].attributes, 'peer')).toEqual(str('[REDACTED:email]'));
    expect(span.status.message).toBe('card [REDACTED:credit_card] declined');
    expect(span.traceId).toBe('5b8efff798038103d269b633813fc60c');
  });

  it('scrubs data point attributes of every metric type', () => {
    const { p } = make({}, 'metrics');
    const point = () => ({ attributes: [kv('user', str('frank@example.com'))], startTimeUnixNano: 0n, timeUnixNano: 0n, asDouble: 1, exemplars: [], flags: 0 });
    const data: MetricsData = {
      resourceMetrics: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeMetrics: [
            {
              scope,
              schemaUrl: '',
              metrics: [
                { name: 'g', description: '', unit: '', metadata: [], gauge: { dataPoints: [point()] } },
                {
                  name: 's',
                  description: '',
                  unit: '',
                  metadata: [],
                  summary: { dataPoints: [{ attributes: [kv('ip', str('192.0.2.1'))], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 1, sum: 1, quantileValues: [], flags: 0 }] },
                },
              ],
            },
          ],
        },
      ],
    };
    p.process('metrics', data);
    const ms = data.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(attr(ms[0].gauge!.dataPoints[0].attributes, 'user')).toEqual(str('[REDACTED:email]'));
    expect(attr(ms[1].summary!.dataPoints[0].attributes, 'ip')).toEqual(str('[REDACTED:ipv4]'));
  });
});

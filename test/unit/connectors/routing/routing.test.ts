import { describe, expect, it } from 'vitest';
import { routingConnectorFactory } from '../../../../src/connectors/routing/factory.ts';
import { routingConfig } from '../../../../src/connectors/routing/config.ts';
import { ConsumerError } from '../../../../src/pipeline/consumer.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { decodeProto, encodeProto } from '../../../../src/pdata/proto/index.ts';
import type { LogsData, MetricsData, Signal, TracesData } from '../../../../src/pdata/types.ts';
import { bodies, consumers, dropped, log, logs, Recorder, resourceLogs, settings, str } from './helpers.ts';

const SECURITY_TABLE = {
  default_pipelines: ['logs/app'],
  table: [{ match: { scope_name_prefix: 'genrf.security' }, pipelines: ['logs/security'] }],
};

function router(cfg: unknown, targets: Record<string, Recorder>, signal: Signal = 'logs', id = 'routing/security') {
  const s = settings(id);
  const conn = routingConnectorFactory.create(s, routingConfig.parse(cfg), signal, signal, consumers(targets));
  return { conn, metrics: s.metrics };
}

describe('routing connector: logs by scope name', () => {
  it('sends genrf.security and its child loggers to the security pipeline, everything else to the default', async () => {
    const app = new Recorder();
    const security = new Recorder();
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    await conn.consume(
      logs(
        resourceLogs([str('service.name', 'genrf-worker')], {
          'genrf.security': 2,
          'genrf.security.auth': 1,
          'genrf.securityx': 1,
          'genrf.api': 1,
        }),
      ),
    );
    expect(security.bodies).toEqual(['genrf.security#0', 'genrf.security#1', 'genrf.security.auth#0']);
    expect(app.bodies).toEqual(['genrf.securityx#0', 'genrf.api#0']);
  });

  it('keeps each part under its own resource and scope (names, versions, schema URLs, attributes)', async () => {
    const app = new Recorder();
    const security = new Recorder();
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    await conn.consume(logs(resourceLogs([str('service.name', 'a')], { 'genrf.security': 1, 'genrf.api': 1 }), resourceLogs([str('service.name', 'b')], { 'genrf.api': 2 })));
    const sec = security.batches[0].data as LogsData;
    expect(sec.resourceLogs).toHaveLength(1);
    expect(sec.resourceLogs[0].resource.attributes).toEqual([str('service.name', 'a')]);
    expect(sec.resourceLogs[0].schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(sec.resourceLogs[0].scopeLogs.map((s) => [s.scope.name, s.scope.version])).toEqual([['genrf.security', '1']]);
    const appData = app.batches[0].data as LogsData;
    expect(appData.resourceLogs.map((r) => r.resource.attributes[0].value.stringValue)).toEqual(['a', 'b']);
    expect(appData.resourceLogs[1].scopeLogs[0].logRecords).toHaveLength(2);
    expect(app.batches[0].items).toBe(3);
  });

  it('hands a batch whose records all go one way on as it is, encoding included (no re-encode)', async () => {
    const app = new Recorder();
    const security = new Recorder();
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    const bytes = encodeProto('logs', logs(resourceLogs([], { 'genrf.api': 3 })).data as LogsData);
    const input = Batch.fromProto('logs', bytes);
    await conn.consume(input);
    expect(app.batches).toHaveLength(1);
    expect(app.batches[0].toProto()).toBe(bytes);
    expect(security.batches).toHaveLength(0);
  });

  it('drops and counts records that match no route when there is no default', async () => {
    const security = new Recorder();
    const { conn, metrics } = router({ table: SECURITY_TABLE.table }, { 'logs/security': security });
    await conn.consume(logs(resourceLogs([], { 'genrf.security': 1, 'genrf.api': 2, other: 1 })));
    expect(security.bodies).toEqual(['genrf.security#0']);
    expect(await dropped(metrics, 'connector/routing/security', 'no_route')).toBe(3);
  });
});

describe('routing connector: other keys', () => {
  it('routes by service name, resource attributes, record attributes and severity', async () => {
    const errors = new Recorder();
    const billing = new Recorder();
    const prod = new Recorder();
    const rest = new Recorder();
    const { conn } = router(
      {
        default_pipelines: ['logs/rest'],
        table: [
          { match: { severity_number_min: 'ERROR' }, pipelines: ['logs/errors'] },
          { match: { service_name_prefix: 'billing-', attributes: { tenant: { exists: true } } }, pipelines: ['logs/billing'] },
          { match: { resource_attributes: { 'deployment.environment': 'prod' } }, pipelines: ['logs/prod'] },
        ],
      },
      { 'logs/errors': errors, 'logs/billing': billing, 'logs/prod': prod, 'logs/rest': rest },
    );
    await conn.consume(
      logs(
        resourceLogs([str('service.name', 'billing-api'), str('deployment.environment', 'prod')], {
          s: [log('err', 17), log('tenant', 9, [str('tenant', 't1')]), log('plain', 9)],
        }),
        resourceLogs([str('service.name', 'web')], { s: [log('warn', 13), log('fatal', 21)] }),
      ),
    );
    expect(errors.bodies).toEqual(['err', 'fatal']);
    expect(billing.bodies).toEqual(['tenant']);
    expect(prod.bodies).toEqual(['plain']); // first match wins: "err" and "tenant" went earlier
    expect(rest.bodies).toEqual(['warn']);
  });

  it('match_once: false sends a record to every matching route; a mutating pipeline gets a copy of its own', async () => {
    const audit = new Recorder(true); // mutates: appends "!" and a resource attribute
    const security = new Recorder();
    const { conn } = router(
      {
        match_once: false,
        table: [
          { match: { scope_name_prefix: 'genrf.security' }, pipelines: ['logs/security'] },
          { match: { scope_name: 'genrf.security.auth' }, pipelines: ['logs/audit'] },
        ],
      },
      { 'logs/security': security, 'logs/audit': audit },
    );
    const input = logs(resourceLogs([str('service.name', 'w')], { 'genrf.security': 1, 'genrf.security.auth': 1 }));
    await conn.consume(input);
    expect(audit.bodies).toEqual(['genrf.security.auth#0!']);
    // The read-only pipeline and the sender's batch see neither the body nor the resource change.
    expect(security.bodies).toEqual(['genrf.security#0', 'genrf.security.auth#0']);
    expect((security.batches[0].data as LogsData).resourceLogs[0].resource.attributes).toEqual([str('service.name', 'w')]);
    expect(bodies(input)).toEqual(['genrf.security#0', 'genrf.security.auth#0']);
  });

  it('a mutating pipeline that is the only one to get the records changes them without a copy', async () => {
    const security = new Recorder(true);
    const app = new Recorder();
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    const input = logs(resourceLogs([], { 'genrf.security': 1 }));
    await conn.consume(input);
    expect(security.batches[0]).toBe(input);
    expect(conn.mutates).toBe(true); // so the graph hands the router a batch of its own
  });

  it('routes traces by span name and metrics by metric name', async () => {
    const slow = new Recorder();
    const other = new Recorder();
    const t = router({ default_pipelines: ['traces/other'], table: [{ match: { span_name_prefix: 'db.' }, pipelines: ['traces/db'] }] }, { 'traces/db': slow, 'traces/other': other }, 'traces');
    const span = (name: string) => ({
      traceId: '',
      spanId: '',
      traceState: '',
      parentSpanId: '',
      flags: 0,
      name,
      kind: 1,
      startTimeUnixNano: 0n,
      endTimeUnixNano: 0n,
      attributes: [],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { message: '', code: 0 },
    });
    const traces: TracesData = {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span('db.query'), span('http.get'), span('db.commit')] }],
        },
      ],
    };
    await t.conn.consume(Batch.of('traces', traces));
    expect((slow.batches[0].data as TracesData).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['db.query', 'db.commit']);
    expect((other.batches[0].data as TracesData).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['http.get']);

    const rpc = new Recorder();
    const m = router({ table: [{ match: { metric_name_prefix: 'rpc.' }, pipelines: ['metrics/rpc'] }] }, { 'metrics/rpc': rpc }, 'metrics', 'routing/m');
    const point = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 1n, asDouble: 1, exemplars: [], flags: 0 };
    const metric = (name: string, n: number) => ({ name, description: '', unit: '', metadata: [], gauge: { dataPoints: Array.from({ length: n }, () => point) } });
    const metrics: MetricsData = {
      resourceMetrics: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeMetrics: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', metrics: [metric('rpc.latency', 2), metric('cpu', 3)] }],
        },
      ],
    };
    await m.conn.consume(Batch.of('metrics', metrics));
    expect((rpc.batches[0].data as MetricsData).resourceMetrics[0].scopeMetrics[0].metrics.map((x) => x.name)).toEqual(['rpc.latency']);
    expect(rpc.batches[0].items).toBe(2);
    expect(await dropped(m.metrics, 'connector/routing/m', 'no_route', 'metrics')).toBe(3); // data points of "cpu"
  });
});

describe('routing connector: acceptance and config', () => {
  it('refuses the batch when a pipeline refuses its part; retryable wins over permanent', async () => {
    const app = new Recorder();
    const security = new Recorder();
    app.refuse = ConsumerError.permanent('permanent_error', 'no');
    security.refuse = ConsumerError.retryable('queue_full', 'full', 500);
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    const err = await conn.consume(logs(resourceLogs([], { 'genrf.security': 1, 'genrf.api': 1 }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsumerError);
    expect((err as ConsumerError).retryable).toBe(true);
    expect((err as ConsumerError).reason).toBe('queue_full');
  });

  it('checkPipelines names routes (and defaults) to pipelines the connector does not feed', () => {
    const cfg = routingConfig.parse({
      default_pipelines: ['logs/ap'],
      table: [{ match: { scope_name: 'x' }, pipelines: ['logs/security', 'logs/secuirty'] }],
    });
    expect(routingConnectorFactory.checkPipelines!(cfg, ['logs/security', 'logs/app'])).toEqual([
      {
        path: ['table', 0, 'pipelines', 1],
        message: expect.stringMatching(/^routes to pipeline "logs\/secuirty", which does not list this connector under receivers \(it feeds logs\/security, logs\/app\)/),
      },
      { path: ['default_pipelines', 0], message: expect.stringContaining('"logs/ap"') },
    ]);
  });

  it('refuses at build a route whose keys can never hold for the signal', () => {
    expect(() => router({ table: [{ match: { span_name: 'x' }, pipelines: ['logs/a'] }] }, { 'logs/a': new Recorder() })).toThrow(/table\[0\]\.match: span_name can never hold for logs/);
  });

  it('the schema refuses an empty match and a route without pipelines', () => {
    expect(routingConfig.safeParse({ table: [{ match: {}, pipelines: ['logs/a'] }] }).success).toBe(false);
    expect(routingConfig.safeParse({ table: [{ match: { scope_name: 'a' }, pipelines: [] }] }).success).toBe(false);
    expect(routingConfig.parse({})).toEqual({ table: [], default_pipelines: [], match_once: true });
  });
});

describe('routing connector: protobuf batches routed by their scopes', () => {
  const SERVICE_TABLE = {
    default_pipelines: ['logs/app'],
    table: [
      { match: { scope_name_prefix: 'genrf.security' }, pipelines: ['logs/security'] },
      { match: { service_name_prefix: 'billing-' }, pipelines: ['logs/security'] },
    ],
  };
  const inputs: Record<string, LogsData> = {
    'one scope, default route': { resourceLogs: [resourceLogs([], { 'genrf.api': 3 })] },
    'security scopes only, two resources': { resourceLogs: [resourceLogs([], { 'genrf.security': 2 }), resourceLogs([str('service.name', 'x')], { 'GENRF_Security.auth': 1 })] },
    'mixed scopes': { resourceLogs: [resourceLogs([], { 'genrf.api': 1, 'genrf.security': 1 })] },
    'mixed across resources': { resourceLogs: [resourceLogs([], { 'genrf.api': 1 }), resourceLogs([], { 'genrf.security': 1 })] },
    'a scope without records beside a security scope': { resourceLogs: [resourceLogs([], { 'genrf.api': 0, 'genrf.security': 2 })] },
    'a billing resource': { resourceLogs: [resourceLogs([str('service.name', 'billing-api')], { 'genrf.api': 2 })] },
    'a billing resource beside another': { resourceLogs: [resourceLogs([str('service.name', 'billing-api')], { 'genrf.api': 1 }), resourceLogs([], { 'genrf.api': 1 })] },
    'no records': { resourceLogs: [resourceLogs([], { 'genrf.api': 0 })] },
  };
  for (const [name, data] of Object.entries(inputs)) {
    it(`routes bytes as it routes decoded data: ${name}`, async () => {
      const viaData = { 'logs/app': new Recorder(), 'logs/security': new Recorder() };
      const viaBytes = { 'logs/app': new Recorder(), 'logs/security': new Recorder() };
      await router(SERVICE_TABLE, viaData).conn.consume(Batch.of('logs', data));
      const bytes = encodeProto('logs', data);
      await router(SERVICE_TABLE, viaBytes).conn.consume(Batch.fromProto('logs', bytes));
      for (const k of ['logs/app', 'logs/security'] as const) {
        expect(viaBytes[k].bodies).toEqual(viaData[k].bodies);
        expect(viaBytes[k].batches.map((b) => b.items)).toEqual(viaData[k].batches.map((b) => b.items));
      }
    });
  }

  it('hands bytes whose scopes all go one way on undecoded, to every pipeline of the route', async () => {
    const a = new Recorder();
    const b = new Recorder();
    const { conn } = router({ default_pipelines: ['logs/a', 'logs/b'], table: SECURITY_TABLE.table }, { 'logs/a': a, 'logs/b': b, 'logs/security': new Recorder() });
    const bytes = encodeProto('logs', { resourceLogs: [resourceLogs([], { 'genrf.api': 2, other: 1 }), resourceLogs([], { 'genrf.api': 1 })] });
    const input = Batch.fromProto('logs', bytes, 4);
    await conn.consume(input);
    expect(input.decoded).toBe(false);
    expect(a.batches).toEqual([input]);
    expect(b.batches).toEqual([input]);
  });

  it('decodes when a scope entry repeats its scope (the decoder decides which one counts)', async () => {
    const app = new Recorder();
    const security = new Recorder();
    const { conn } = router(SECURITY_TABLE, { 'logs/app': app, 'logs/security': security });
    const bytes = repeatedScope('genrf.api', 'genrf.security');
    expect(decodeProto('logs', bytes).resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(1);
    const input = Batch.fromProto('logs', bytes);
    await conn.consume(input);
    expect(input.decoded).toBe(true);
    expect(app.batches.length + security.batches.length).toBe(1);
  });
});

/** A length-delimited field (short: lengths under 128). */
function field(n: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  if (body.length > 127) throw new Error('field() writes one-byte lengths only');
  return Buffer.concat([Uint8Array.of((n << 3) | 2, body.length), body]);
}

/** A logs request of one resource, one scope entry holding `scopes` scope messages (named), and one record. */
function repeatedScope(...scopes: string[]): Uint8Array {
  const record = field(2, Uint8Array.of(0x10, 0x09)); // log_records { severity_number: 9 }
  return field(1, field(2, ...scopes.map((name) => field(1, field(1, name))), record));
}

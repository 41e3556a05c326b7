import { describe, expect, it } from 'vitest';
import { elasticsearchExporterConfig } from '../../../../src/exporters/elasticsearch/config.ts';
import { BulkJob, DocumentEncoder } from '../../../../src/exporters/elasticsearch/documents.ts';
import { formatDate, IndexRouter } from '../../../../src/exporters/elasticsearch/index-router.ts';
import { ecsMode } from '../../../../src/exporters/elasticsearch/mode-ecs.ts';
import { genrfMode } from '../../../../src/exporters/elasticsearch/mode-genrf.ts';
import { otelMode, rawMode } from '../../../../src/exporters/elasticsearch/mode-otel.ts';
import type { Mode } from '../../../../src/exporters/elasticsearch/mode.ts';
import type { KeyValue, LogsData, TracesData } from '../../../../src/pdata/types.ts';

const s = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const d = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });
const T0 = 1_764_320_000_123_000_000n; // 2025-11-28T08:53:20.123Z

function logs(attrs: KeyValue[], opts: { severity?: number; text?: string; resource?: KeyValue[]; scopeAttrs?: KeyValue[] } = {}): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: opts.resource ?? [s('service.name', 'genrf-worker')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'genrf.spice', version: '1.2', attributes: opts.scopeAttrs ?? [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: T0,
                observedTimeUnixNano: 0n,
                severityNumber: opts.severity ?? 17,
                severityText: opts.text ?? 'ERROR',
                body: { stringValue: 'convergence failure at t=1.2ns' },
                attributes: attrs,
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

function traces(): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [s('service.name', 'genrf-api')], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'genrf.generation', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                traceState: '',
                parentSpanId: '00f067aa0ba902b7',
                flags: 1,
                name: 'generate_circuit',
                kind: 2,
                startTimeUnixNano: T0,
                endTimeUnixNano: T0 + 1_500_000n,
                attributes: [s('circuit_type', 'LNA'), s('http.route', '/generate')],
                droppedAttributesCount: 0,
                events: [{ timeUnixNano: T0 + 1000n, name: 'spice.start', attributes: [], droppedAttributesCount: 0 }],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 2, message: 'SPICE crashed' },
              },
            ],
          },
        ],
      },
    ],
  };
}

function encode(mode: Mode, data: LogsData | TracesData, config: Record<string, unknown> = {}): { index: string; doc: Record<string, unknown> }[] {
  const cfg = elasticsearchExporterConfig.parse({ endpoints: ['http://127.0.0.1:9200'], ...config });
  const signal = 'resourceLogs' in data ? 'logs' : 'traces';
  const enc = new DocumentEncoder(mode, new IndexRouter(cfg, signal));
  const job = new BulkJob();
  if (signal === 'logs') enc.logs(data as LogsData, job);
  else enc.traces(data as TracesData, job);
  return job.sources.map((src, i) => ({ index: job.indices[i], doc: JSON.parse(src) as Record<string, unknown> }));
}

describe('genrf mode', () => {
  it("gives the guide's fields: level from severity, logger from scope, genRF attributes lifted, the rest under attributes", () => {
    const [{ doc }] = encode(
      genrfMode,
      logs([s('circuit_type', 'LNA'), s('technology', 'tsmc65'), s('user_id', 'u-17'), s('session_id', 's-9'), s('spice_engine', 'ngspice'), d('generation_time', 412.5), s('netlist', 'lna.cir')], {
        severity: 17,
        text: 'error',
      }),
    );
    expect(doc).toMatchObject({
      '@timestamp': '2025-11-28T08:53:20.123Z',
      timestamp: '2025-11-28T08:53:20.123Z',
      level: 'ERROR',
      logger: 'genrf.spice',
      message: 'convergence failure at t=1.2ns',
      circuit_type: 'LNA',
      technology: 'tsmc65',
      user_id: 'u-17',
      session_id: 's-9',
      spice_engine: 'ngspice',
      generation_time: 412.5,
      attributes: { netlist: 'lna.cir' },
      resource: { 'service.name': 'genrf-worker' },
      service_name: 'genrf-worker',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
    });
    expect(doc.attributes).not.toHaveProperty('circuit_type');
  });

  it('maps severity numbers to the guide level names, and upper-cases text when the number is unset', () => {
    expect(encode(genrfMode, logs([], { severity: 13, text: 'WARNING' }))[0].doc.level).toBe('WARN');
    expect(encode(genrfMode, logs([], { severity: 9 }))[0].doc.level).toBe('INFO');
    expect(encode(genrfMode, logs([], { severity: 0, text: 'critical' }))[0].doc.level).toBe('CRITICAL');
  });

  it('makes one document per span with ids, duration in ms, status and attributes', () => {
    const [{ index, doc }] = encode(genrfMode, traces());
    expect(index).toBe('traces-generic-default');
    expect(doc).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      parent_span_id: '00f067aa0ba902b7',
      name: 'generate_circuit',
      kind: 'SERVER',
      duration_ms: 1.5,
      status_code: 'ERROR',
      status_message: 'SPICE crashed',
      circuit_type: 'LNA',
      attributes: { 'http.route': '/generate' },
      service_name: 'genrf-api',
      logger: 'genrf.generation',
    });
    expect((doc.events as unknown[]).length).toBe(1);
  });
});

describe('otel, ecs and raw modes', () => {
  it('otel: body, severity, attributes, resource and scope each in their place', () => {
    const [{ doc }] = encode(otelMode, logs([s('user_id', 'u-1')]));
    expect(doc).toMatchObject({
      severity_number: 17,
      severity_text: 'ERROR',
      body: { text: 'convergence failure at t=1.2ns' },
      attributes: { user_id: 'u-1' },
      resource: { attributes: { 'service.name': 'genrf-worker' } },
      scope: { name: 'genrf.spice', version: '1.2' },
    });
    const [{ doc: span }] = encode(otelMode, traces());
    expect(span).toMatchObject({ duration: 1_500_000, kind: 'SERVER', status: { code: 'ERROR' } });
  });

  it('ecs: ECS names, and a record attribute that repeats a resource field does not duplicate the key', () => {
    const data = logs([s('service.name', 'from-record'), s('user_id', 'u-1')], { resource: [s('service.name', 'genrf-worker'), s('host.name', 'n1')] });
    const cfg = elasticsearchExporterConfig.parse({ endpoints: ['http://127.0.0.1:9200'] });
    const job = new BulkJob();
    new DocumentEncoder(ecsMode, new IndexRouter(cfg, 'logs')).logs(data, job);
    expect(job.sources[0].match(/"service\.name"/g)).toHaveLength(1); // Elasticsearch refuses duplicate keys
    expect(JSON.parse(job.sources[0])).toMatchObject({
      message: 'convergence failure at t=1.2ns',
      'log.level': 'error',
      'log.logger': 'genrf.spice',
      'service.name': 'genrf-worker',
      'host.hostname': 'n1',
      'trace.id': '0af7651916cd43dd8448eb211c80319c',
      user_id: 'u-1',
    });
    expect(encode(ecsMode, traces())[0].doc).toMatchObject({ 'event.duration': 1_500_000, 'event.outcome': 'failure', 'parent.id': '00f067aa0ba902b7' });
  });

  it('raw: OTLP names, attributes at the top level', () => {
    expect(encode(rawMode, logs([s('user_id', 'u-1')]))[0].doc).toMatchObject({ SeverityText: 'ERROR', Body: 'convergence failure at t=1.2ns', user_id: 'u-1', Scope: { Name: 'genrf.spice' } });
  });
});

describe('index routing', () => {
  it('uses the static index by default, even when routing attributes are present', () => {
    expect(encode(genrfMode, logs([s('elasticsearch.index', 'other')]), { logs_index: 'logs-genrf-default' })[0].index).toBe('logs-genrf-default');
  });

  it('with dynamic routing: elasticsearch.index first, then data_stream attributes from record, scope or resource', () => {
    const dyn = { logs_index: 'logs-genrf-default', logs_dynamic_index: { enabled: true } };
    expect(encode(genrfMode, logs([s('elasticsearch.index', 'genrf-audit')]), dyn)[0].index).toBe('genrf-audit');
    expect(encode(genrfMode, logs([s('data_stream.dataset', 'genrf.security')]), dyn)[0].index).toBe('logs-genrf.security-default');
    expect(encode(genrfMode, logs([], { resource: [s('data_stream.namespace', 'Prod-EU')] }), dyn)[0].index).toBe('logs-genrf-prod_eu');
    expect(encode(genrfMode, logs([], { scopeAttrs: [s('elasticsearch.index', 'from-scope')] }), dyn)[0].index).toBe('from-scope');
    expect(encode(genrfMode, logs([]), dyn)[0].index).toBe('logs-genrf-default');
  });

  it('appends the record date with logstash_format', () => {
    const cfg = { logs_index: 'genrf', logstash_format: { enabled: true } };
    expect(encode(genrfMode, logs([]), cfg)[0].index).toBe('genrf-2025.11.28');
    const router = new IndexRouter(elasticsearchExporterConfig.parse({ endpoints: ['http://x:9200'], ...cfg }), 'logs');
    expect(router.baseOf('genrf-2025.11.28')).toBe('genrf');
    expect(router.patternOf('genrf')).toBe('genrf-*');
    expect(formatDate('%Y%m%d-%H', new Date(Date.UTC(2026, 0, 2, 3)))).toBe('20260102-03');
  });
});

describe('config', () => {
  it('refuses half of basic auth, both auth kinds, and index names Elasticsearch would refuse', () => {
    const base = { endpoints: ['http://127.0.0.1:9200'] };
    expect(elasticsearchExporterConfig.safeParse({ ...base, user: 'elastic' }).error?.issues[0].message).toMatch(/user and password go together/);
    expect(elasticsearchExporterConfig.safeParse({ ...base, user: 'a', password: 'b', api_key: 'k' }).error?.issues[0].message).toMatch(/either api_key or user/);
    expect(elasticsearchExporterConfig.safeParse({ ...base, logs_index: 'Logs' }).success).toBe(false);
    expect(elasticsearchExporterConfig.safeParse({ endpoints: ['127.0.0.1:9200'] }).success).toBe(false);
    const ok = elasticsearchExporterConfig.parse({ ...base, flush: { interval: '250ms' } });
    expect(ok.flush).toEqual({ bytes: 5_000_000, documents: 10_000, interval: 250 });
    expect(ok.sending_queue.queue_size).toBe(100);
  });
});

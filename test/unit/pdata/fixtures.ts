// Hand-built data covering every field of the model, shared by the pdata tests and bench.
import type { AnyValue, KeyValue, LogsData, Metric, MetricsData, Span, TracesData } from '../../../src/pdata/types.ts';

export const INT64_MIN = -9223372036854775808n;
export const INT64_MAX = 9223372036854775807n;
export const UINT64_MAX = 18446744073709551615n;

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

/** Every AnyValue kind, nested: arrays of kvlists, bytes, empty values, unicode. */
export function allValueKinds(): KeyValue[] {
  return [
    kv('s', { stringValue: 'plain' }),
    kv('empty.string', { stringValue: '' }),
    kv('unicode', { stringValue: 'grüße 日本 🎉' }),
    kv('long', { stringValue: 'x'.repeat(300) + 'é' }),
    kv('b.true', { boolValue: true }),
    kv('b.false', { boolValue: false }),
    kv('i.zero', { intValue: 0n }),
    kv('i.neg', { intValue: -1n }),
    kv('i.min', { intValue: INT64_MIN }),
    kv('i.max', { intValue: INT64_MAX }),
    kv('i.big', { intValue: 1n << 40n }),
    kv('d', { doubleValue: 3.25 }),
    kv('d.zero', { doubleValue: 0 }),
    kv('d.nan', { doubleValue: NaN }),
    kv('d.inf', { doubleValue: Infinity }),
    kv('d.ninf', { doubleValue: -Infinity }),
    kv('bytes', { bytesValue: new Uint8Array([0, 1, 2, 250, 255]) }),
    kv('bytes.empty', { bytesValue: new Uint8Array(0) }),
    kv('empty.value', {}),
    kv('arr', {
      arrayValue: {
        values: [
          { stringValue: 'a' },
          { intValue: 7n },
          { kvlistValue: { values: [kv('inner', { arrayValue: { values: [{ boolValue: true }, { bytesValue: new Uint8Array([9]) }] } })] } },
          { kvlistValue: { values: [] } },
          { arrayValue: { values: [] } },
        ],
      },
    }),
    kv('', { stringValue: 'empty key' }),
  ];
}

export function fullSpan(i = 0): Span {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    traceState: 'rojo=00f067aa0ba902b7',
    parentSpanId: 'eee19b7ec3c1b173',
    flags: 0x301,
    name: `span ${i}`,
    kind: 2,
    startTimeUnixNano: 1544712660000000000n,
    endTimeUnixNano: UINT64_MAX,
    attributes: allValueKinds(),
    droppedAttributesCount: 3,
    events: [
      { timeUnixNano: 1544712660500000000n, name: 'exception', attributes: [kv('exception.type', { stringValue: 'E' })], droppedAttributesCount: 1 },
      { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 4,
    links: [
      {
        traceId: '0102030405060708090a0b0c0d0e0f10',
        spanId: '0102030405060708',
        traceState: 'k=v',
        attributes: [kv('link.attr', { intValue: 5n })],
        droppedAttributesCount: 2,
        flags: 0x100,
      },
    ],
    droppedLinksCount: 5,
    status: { message: 'boom', code: 2 },
  };
}

export function minimalSpan(): Span {
  return {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
}

export function fullTraces(): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'svc' })], droppedAttributesCount: 1 },
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.0', attributes: [kv('scope.attr', { boolValue: true })], droppedAttributesCount: 2 },
            spans: [fullSpan(0), minimalSpan(), fullSpan(2)],
            schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
          },
          { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [fullSpan(3)], schemaUrl: '' },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.20.0',
      },
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeSpans: [],
        schemaUrl: '',
      },
    ],
  };
}

/** Realistic spans with ~10 attributes of mixed types (bench and throughput tests). */
export function benchTraces(spansPerBatch: number): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < spansPerBatch; i++) {
    const s = minimalSpan();
    s.traceId = (0x10000000 + i).toString(16).padStart(32, '0');
    s.spanId = (0x20000000 + i).toString(16).padStart(16, '0');
    s.parentSpanId = (0x30000000 + i).toString(16).padStart(16, '0');
    s.name = 'GET /api/v1/users/{id}';
    s.kind = 2;
    s.startTimeUnixNano = 1700000000000000000n + BigInt(i) * 1000n;
    s.endTimeUnixNano = s.startTimeUnixNano + 1234567n;
    s.attributes = [
      kv('http.request.method', { stringValue: 'GET' }),
      kv('http.route', { stringValue: '/api/v1/users/{id}' }),
      kv('url.full', { stringValue: `https://example.com/api/v1/users/${i}?q=search+term` }),
      kv('http.response.status_code', { intValue: 200n }),
      kv('server.port', { intValue: 8080n }),
      kv('network.protocol.version', { stringValue: '1.1' }),
      kv('user_agent.original', { stringValue: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' }),
      kv('http.server.duration_ms', { doubleValue: 12.5 + i }),
      kv('sampled', { boolValue: i % 2 === 0 }),
      kv('thread.id', { intValue: BigInt(i % 64) }),
    ];
    s.status = { message: '', code: 1 };
    spans.push(s);
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'bench' }), kv('host.name', { stringValue: 'h1' })], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'bench.lib', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

const ex = (asInt?: bigint) => ({
  filteredAttributes: [kv('filtered', { stringValue: 'yes' })],
  timeUnixNano: 1544712660300000000n,
  asDouble: asInt === undefined ? 1.5 : undefined,
  asInt,
  spanId: 'eee19b7ec3c1b174',
  traceId: '5b8efff798038103d269b633813fc60c',
});

export function fullMetrics(): MetricsData {
  const attrs = () => [kv('a', { stringValue: 'b' })];
  const t0 = 1544712660300000000n;
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(), droppedAttributesCount: 0 },
        schemaUrl: 'res-schema',
        scopeMetrics: [
          {
            scope: { name: 'm', version: '2', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: 'scope-schema',
            metrics: [
              {
                name: 'gauge.double',
                description: 'd',
                unit: '1',
                metadata: [kv('meta', { stringValue: 'x' })],
                gauge: {
                  dataPoints: [
                    { attributes: attrs(), startTimeUnixNano: 0n, timeUnixNano: t0, asDouble: NaN, asInt: undefined, exemplars: [ex(), ex(INT64_MIN)], flags: 1 },
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t0, asDouble: 0, asInt: undefined, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: 0n, timeUnixNano: t0, asDouble: -Infinity, asInt: undefined, exemplars: [], flags: 0 },
                  ],
                },
                sum: undefined,
                histogram: undefined,
                exponentialHistogram: undefined,
                summary: undefined,
              },
              {
                name: 'sum.int',
                description: '',
                unit: '',
                metadata: [],
                gauge: undefined,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: attrs(), startTimeUnixNano: t0, timeUnixNano: UINT64_MAX, asDouble: undefined, asInt: INT64_MAX, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t0, asDouble: undefined, asInt: 0n, exemplars: [], flags: 0 },
                    { attributes: [], startTimeUnixNano: t0, timeUnixNano: t0, asDouble: undefined, asInt: -5n, exemplars: [], flags: 0 },
                  ],
                },
                histogram: undefined,
                exponentialHistogram: undefined,
                summary: undefined,
              },
              {
                name: 'histogram',
                description: '',
                unit: 'ms',
                metadata: [],
                gauge: undefined,
                sum: undefined,
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: attrs(),
                      startTimeUnixNano: t0,
                      timeUnixNano: t0,
                      count: 7,
                      sum: 0,
                      bucketCounts: [1, 2, 4, 0],
                      explicitBounds: [-1.5, 0, 10],
                      exemplars: [ex()],
                      flags: 0,
                      min: 0,
                      max: 9.5,
                    },
                    {
                      attributes: [],
                      startTimeUnixNano: 0n,
                      timeUnixNano: t0,
                      count: 2 ** 53 - 1,
                      sum: undefined,
                      bucketCounts: [],
                      explicitBounds: [],
                      exemplars: [],
                      flags: 1,
                      min: undefined,
                      max: undefined,
                    },
                  ],
                },
                exponentialHistogram: undefined,
                summary: undefined,
              },
              {
                name: 'exp',
                description: 'exponential',
                unit: '',
                metadata: [],
                gauge: undefined,
                sum: undefined,
                histogram: undefined,
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      attributes: attrs(),
                      startTimeUnixNano: t0,
                      timeUnixNano: t0,
                      count: 12,
                      sum: -3.5,
                      scale: -3,
                      zeroCount: 2,
                      positive: { offset: 4, bucketCounts: [1, 0, 300] },
                      negative: { offset: -7, bucketCounts: [5, 2 ** 40] },
                      flags: 0,
                      exemplars: [ex(3n)],
                      min: -100,
                      max: 0,
                      zeroThreshold: 1e-9,
                    },
                    {
                      attributes: [],
                      startTimeUnixNano: 0n,
                      timeUnixNano: 0n,
                      count: 0,
                      sum: undefined,
                      scale: 0,
                      zeroCount: 0,
                      positive: { offset: 0, bucketCounts: [] },
                      negative: { offset: 0, bucketCounts: [] },
                      flags: 0,
                      exemplars: [],
                      min: undefined,
                      max: undefined,
                      zeroThreshold: 0,
                    },
                  ],
                },
                summary: undefined,
              },
              {
                name: 'summary',
                description: '',
                unit: '',
                metadata: [],
                gauge: undefined,
                sum: undefined,
                histogram: undefined,
                exponentialHistogram: undefined,
                summary: {
                  dataPoints: [
                    {
                      attributes: attrs(),
                      startTimeUnixNano: t0,
                      timeUnixNano: t0,
                      count: 10,
                      sum: 55.5,
                      quantileValues: [
                        { quantile: 0, value: 1 },
                        { quantile: 0.5, value: 5 },
                        { quantile: 1, value: Infinity },
                      ],
                      flags: 0,
                    },
                  ],
                },
              },
              {
                name: 'empty.gauge',
                description: '',
                unit: '',
                metadata: [],
                gauge: { dataPoints: [] },
                sum: undefined,
                histogram: undefined,
                exponentialHistogram: undefined,
                summary: undefined,
              },
            ],
          },
        ],
      },
    ],
  };
}

export function fullLogs(): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'svc' })], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'log.lib', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: 's',
            logRecords: [
              {
                timeUnixNano: 1544712660300000000n,
                observedTimeUnixNano: UINT64_MAX,
                severityNumber: 17,
                severityText: 'ERROR',
                body: { kvlistValue: { values: allValueKinds() } },
                attributes: allValueKinds(),
                droppedAttributesCount: 1,
                flags: 1,
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                eventName: 'browser.page_view',
              },
              {
                timeUnixNano: 0n,
                observedTimeUnixNano: 0n,
                severityNumber: 0,
                severityText: '',
                body: undefined,
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
              {
                timeUnixNano: 0n,
                observedTimeUnixNano: 0n,
                severityNumber: 9,
                severityText: '',
                body: { stringValue: '' },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * Realistic metrics, `points` data points in all (bench and throughput tests): metrics of 8
 * points each with 4 attributes, cycling through sum, histogram (16 buckets), gauge,
 * exponential histogram (20 buckets) and summary (4 quantiles), as an SDK's periodic export.
 */
export function benchMetrics(points: number): MetricsData {
  const metrics: Metric[] = [];
  const t0 = 1700000000000000000n;
  const bounds = [5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000, 20000];
  for (let made = 0, k = 0; made < points; k++) {
    const n = Math.min(8, points - made);
    const attrs = (i: number) => [
      kv('http.request.method', { stringValue: i % 2 === 0 ? 'GET' : 'POST' }),
      kv('http.route', { stringValue: `/api/v1/resource${k % 7}/{id}` }),
      kv('http.response.status_code', { intValue: BigInt(200 + (i % 3) * 100) }),
      kv('host.name', { stringValue: 'worker-12.genrf.internal' }),
    ];
    const base = (i: number) => ({ attributes: attrs(i), startTimeUnixNano: t0, timeUnixNano: t0 + BigInt(k) * 1000000000n, flags: 0 });
    const m: Metric = {
      name: `genrf.metric.${k}`,
      description: 'A metric of the benchmark',
      unit: 'ms',
      metadata: [],
      gauge: undefined,
      sum: undefined,
      histogram: undefined,
      exponentialHistogram: undefined,
      summary: undefined,
    };
    const range = Array.from({ length: n }, (_, i) => i);
    switch (k % 5) {
      case 0:
        m.sum = { aggregationTemporality: 2, isMonotonic: true, dataPoints: range.map((i) => ({ ...base(i), asInt: BigInt(1000 * k + i), asDouble: undefined, exemplars: [] })) };
        break;
      case 1:
        m.histogram = {
          aggregationTemporality: 2,
          dataPoints: range.map((i) => ({
            ...base(i),
            count: 160 + i,
            sum: 12345.5 + i,
            bucketCounts: bounds.map((_, b) => b + i).concat([1]),
            explicitBounds: bounds,
            exemplars: [],
            min: 0.5,
            max: 19999,
          })),
        };
        break;
      case 2:
        m.gauge = { dataPoints: range.map((i) => ({ ...base(i), asDouble: 0.25 * i + k, asInt: undefined, exemplars: [] })) };
        break;
      case 3:
        m.exponentialHistogram = {
          aggregationTemporality: 1,
          dataPoints: range.map((i) => ({
            ...base(i),
            count: 210,
            sum: 999.25,
            scale: 3,
            zeroCount: 1,
            zeroThreshold: 0,
            positive: { offset: -2, bucketCounts: Array.from({ length: 20 }, (_, b) => b + i) },
            negative: { offset: 0, bucketCounts: [] },
            exemplars: [],
            min: 0.1,
            max: 88,
          })),
        };
        break;
      default:
        m.summary = {
          dataPoints: range.map((i) => ({
            ...base(i),
            count: 100 + i,
            sum: 5000.5,
            quantileValues: [
              { quantile: 0.5, value: 40 },
              { quantile: 0.9, value: 80 },
              { quantile: 0.99, value: 120 },
              { quantile: 1, value: 150 },
            ],
          })),
        };
    }
    metrics.push(m);
    made += n;
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'bench' }), kv('host.name', { stringValue: 'h1' })], droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { name: 'bench.meter', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, metrics, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

// Small OTLP builders and a capturing consumer for the processor tests.
import { Batch } from '../../../../src/pdata/batch.ts';
import { encodeProto } from '../../../../src/pdata/proto/index.ts';
import type { AnyValue, KeyValue, LogRecord, LogsData, Metric, MetricsData, Signal, Span, TracesData } from '../../../../src/pdata/types.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import type { ProcessorFactory } from '../../../../src/pipeline/component.ts';
import { testSettings } from '../../receivers/otlp/helpers.ts';

export function kvs(o: Record<string, string | number | bigint | boolean>): KeyValue[] {
  return Object.entries(o).map(([key, v]) => ({ key, value: toValue(v) }));
}

function toValue(v: string | number | bigint | boolean): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'bigint') return { intValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return { doubleValue: v };
}

/** Attributes as a plain object (values in their JS form), for readable assertions. */
export function attrs(list: readonly KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value: v } of list) out[key] = v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
  return out;
}

export function span(name: string, a: Record<string, string | number | bigint | boolean> = {}, kind = 1): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name,
    kind,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: kvs(a),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
}

export function logRecord(severityNumber: number, body: string, a: Record<string, string | number | bigint | boolean> = {}): LogRecord {
  return {
    timeUnixNano: 1n,
    observedTimeUnixNano: 1n,
    severityNumber,
    severityText: '',
    body: { stringValue: body },
    attributes: kvs(a),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

export function gauge(name: string, points: Array<Record<string, string | number | bigint | boolean>>): Metric {
  return {
    name,
    description: '',
    unit: '',
    metadata: [],
    gauge: { dataPoints: points.map((p, i) => ({ attributes: kvs(p), startTimeUnixNano: 0n, timeUnixNano: 1n, asDouble: i, exemplars: [], flags: 0 })) },
  };
}

const scopeOf = (name: string) => ({ name, version: '', attributes: [], droppedAttributesCount: 0 });

export interface Group<R> {
  service?: string;
  resource?: Record<string, string | number | bigint | boolean>;
  scope?: string;
  records: R[];
}

function resourceOf<R>(g: Group<R>) {
  const a = { ...(g.service === undefined ? {} : { 'service.name': g.service }), ...g.resource };
  return { attributes: kvs(a), droppedAttributesCount: 0 };
}

export function traces(...groups: Array<Group<Span>>): TracesData {
  return { resourceSpans: groups.map((g) => ({ resource: resourceOf(g), schemaUrl: '', scopeSpans: [{ scope: scopeOf(g.scope ?? 'genrf.generator'), schemaUrl: '', spans: g.records }] })) };
}

export function logs(...groups: Array<Group<LogRecord>>): LogsData {
  return { resourceLogs: groups.map((g) => ({ resource: resourceOf(g), schemaUrl: '', scopeLogs: [{ scope: scopeOf(g.scope ?? 'genrf.app'), schemaUrl: '', logRecords: g.records }] })) };
}

export function metrics(...groups: Array<Group<Metric>>): MetricsData {
  return { resourceMetrics: groups.map((g) => ({ resource: resourceOf(g), schemaUrl: '', scopeMetrics: [{ scope: scopeOf(g.scope ?? 'genrf.metrics'), schemaUrl: '', metrics: g.records }] })) };
}

/** Collects what a processor hands on. */
export class Capture implements Consumer {
  readonly mutates = false;
  readonly batches: Batch[] = [];
  async consume(b: Batch): Promise<void> {
    this.batches.push(b);
  }
  data<S extends Signal>(i = 0): Batch<S>['data'] {
    return (this.batches[i] as Batch<S>).data;
  }
}

/** Builds the processor from YAML-like options as the daemon would (parse, then create). */
export function build(factory: ProcessorFactory, options: unknown, signal: Signal, id?: string) {
  const settings = testSettings(id ?? factory.type);
  const next = new Capture();
  const processor = factory.create(settings, factory.config.parse(options), signal, next);
  return { processor, next, metrics: settings.metrics };
}

/** A batch as a receiver would hand it on: protobuf bytes, decoded on first use. */
export function protoBatch<S extends Signal>(signal: S, data: Batch<S>['data']): Batch<S> {
  return Batch.fromProto(signal, encodeProto(signal, data));
}

// How the OTLP messages map to the internal model (src/pdata/types.ts): the only facts the
// generator does not read from the .proto files. Everything else (field numbers, wire types,
// names, nesting, oneofs, enums) comes from vendor/opentelemetry-proto.
//
// Keys are full proto names without the `opentelemetry.proto.` prefix.

/** The vendored release (see vendor/opentelemetry-proto/VERSION). */
export const PROTO_DIR = 'vendor/opentelemetry-proto';

export const PROTO_FILES = [
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/trace/v1/trace.proto',
  'opentelemetry/proto/metrics/v1/metrics.proto',
  'opentelemetry/proto/logs/v1/logs.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
];

/**
 * The messages codecs are generated for, and everything they reach. The Export*ServiceRequest
 * messages are wire-identical to the *Data ones (checked by the generator), so the *Data
 * messages stand for them.
 */
export const ROOTS = [
  'trace.v1.TracesData',
  'metrics.v1.MetricsData',
  'logs.v1.LogsData',
  'collector.trace.v1.ExportTraceServiceResponse',
  'collector.metrics.v1.ExportMetricsServiceResponse',
  'collector.logs.v1.ExportLogsServiceResponse',
];

/** Request messages that must have the same fields as a root. */
export const SAME_WIRE: Record<string, string> = {
  'collector.trace.v1.ExportTraceServiceRequest': 'trace.v1.TracesData',
  'collector.metrics.v1.ExportMetricsServiceRequest': 'metrics.v1.MetricsData',
  'collector.logs.v1.ExportLogsServiceRequest': 'logs.v1.LogsData',
};

/**
 * The TypeScript type of a message, where it is not the message's own name. Types that are
 * not identifiers are written inline (no interface of their own in types.ts).
 */
export const TYPE_NAMES: Record<string, string> = {
  'common.v1.ArrayValue': '{ values: AnyValue[] }',
  'common.v1.KeyValueList': '{ values: KeyValue[] }',
  'trace.v1.Span.Event': 'SpanEvent',
  'trace.v1.Span.Link': 'SpanLink',
  'metrics.v1.ExponentialHistogramDataPoint.Buckets': 'ExponentialHistogramBuckets',
  'metrics.v1.SummaryDataPoint.ValueAtQuantile': 'ValueAtQuantile',
  'collector.trace.v1.ExportTracePartialSuccess': 'PartialSuccess',
  'collector.metrics.v1.ExportMetricsPartialSuccess': 'PartialSuccess',
  'collector.logs.v1.ExportLogsPartialSuccess': 'PartialSuccess',
  'collector.trace.v1.ExportTraceServiceResponse': '{ partialSuccess: PartialSuccess | undefined }',
  'collector.metrics.v1.ExportMetricsServiceResponse': '{ partialSuccess: PartialSuccess | undefined }',
  'collector.logs.v1.ExportLogsServiceResponse': '{ partialSuccess: PartialSuccess | undefined }',
};

export interface MessageRule {
  /**
   * The model object holds only the oneof member that is set (`{ stringValue: 'x' }`), not
   * every member with `undefined`: AnyValue, of which there are many.
   */
  sparse?: boolean;
  /** Nesting of this message counts toward the AnyValue depth limit (MAX_DEPTH). */
  depth?: boolean;
}

export const MESSAGES: Record<string, MessageRule> = {
  'common.v1.AnyValue': { sparse: true },
  'common.v1.ArrayValue': { depth: true },
  'common.v1.KeyValueList': { depth: true },
};

/**
 * How a field is represented, where the default for its proto type does not fit:
 * - `hex16` / `hex8`: trace and span ids, as lowercase hex strings; on the wire they must be
 *   16 / 8 bytes or empty (the validating scan refuses other lengths, as OTLP/JSON does);
 * - `fixed64n` / `int64n`: 64-bit values kept as numbers (counts; exact to 2^53);
 * - `key`: a string looked up in the reader's key cache (attribute keys repeat);
 * - `item`: the field whose elements are the signal's items (spans, log records, data points);
 * - `presence`: for a singular message field, `always` = always in the model and always
 *   written (even empty), `optional` = `undefined` in the model when absent. The default is
 *   always in the model (an empty message when absent) and not written when empty.
 * - `jsonAlways`: written to OTLP/JSON even when it holds the default value.
 * - `prop`: the model's property name, where it is not the JSON name.
 */
export interface FieldRule {
  repr?: 'hex16' | 'hex8' | 'fixed64n' | 'int64n' | 'key';
  item?: boolean;
  presence?: 'always' | 'optional';
  jsonAlways?: boolean;
  prop?: string;
}

export const FIELDS: Record<string, FieldRule> = {
  'common.v1.KeyValue.key': { repr: 'key', jsonAlways: true },
  'common.v1.KeyValue.value': { presence: 'always' },

  'trace.v1.ScopeSpans.spans': { item: true },
  'trace.v1.Span.trace_id': { repr: 'hex16' },
  'trace.v1.Span.span_id': { repr: 'hex8' },
  'trace.v1.Span.parent_span_id': { repr: 'hex8' },
  'trace.v1.Span.Link.trace_id': { repr: 'hex16' },
  'trace.v1.Span.Link.span_id': { repr: 'hex8' },

  'logs.v1.ScopeLogs.log_records': { item: true },
  'logs.v1.LogRecord.body': { presence: 'optional' },
  'logs.v1.LogRecord.trace_id': { repr: 'hex16' },
  'logs.v1.LogRecord.span_id': { repr: 'hex8' },

  'metrics.v1.Gauge.data_points': { item: true },
  'metrics.v1.Sum.data_points': { item: true },
  'metrics.v1.Histogram.data_points': { item: true },
  'metrics.v1.ExponentialHistogram.data_points': { item: true },
  'metrics.v1.Summary.data_points': { item: true },
  'metrics.v1.HistogramDataPoint.count': { repr: 'fixed64n' },
  'metrics.v1.HistogramDataPoint.bucket_counts': { repr: 'fixed64n' },
  'metrics.v1.ExponentialHistogramDataPoint.count': { repr: 'fixed64n' },
  'metrics.v1.ExponentialHistogramDataPoint.zero_count': { repr: 'fixed64n' },
  'metrics.v1.SummaryDataPoint.count': { repr: 'fixed64n' },
  'metrics.v1.Exemplar.trace_id': { repr: 'hex16' },
  'metrics.v1.Exemplar.span_id': { repr: 'hex8' },

  'collector.trace.v1.ExportTraceServiceResponse.partial_success': { presence: 'optional' },
  'collector.metrics.v1.ExportMetricsServiceResponse.partial_success': { presence: 'optional' },
  'collector.logs.v1.ExportLogsServiceResponse.partial_success': { presence: 'optional' },
  'collector.trace.v1.ExportTracePartialSuccess.rejected_spans': { repr: 'int64n', prop: 'rejected' },
  'collector.metrics.v1.ExportMetricsPartialSuccess.rejected_data_points': { repr: 'int64n', prop: 'rejected' },
  'collector.logs.v1.ExportLogsPartialSuccess.rejected_log_records': { repr: 'int64n', prop: 'rejected' },
};

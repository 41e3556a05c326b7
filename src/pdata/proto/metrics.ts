// opentelemetry/proto/metrics/v1 (ExportMetricsServiceRequest = MetricsData on the wire):
// request, resource, scope and metric levels; the data points are in metric-points.ts.
import type {
  Metric,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
} from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import type { Reader } from './reader.ts';
import {
  decodeKeyValue,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
} from './common.ts';
import { decodeExpPoint, decodeHistogramPoint, decodeNumberPoint, decodeSummaryPoint } from './metric-points.ts';

export function decodeMetricsData(r: Reader): MetricsData {
  const resourceMetrics: ResourceMetrics[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.tag();
      if (tag === 10) resourceMetrics.push(decodeResourceMetrics(r, r.end())); // 1 resource_metrics
      else r.skip(tag & 7, tag >>> 3);
    }
  } catch (e) {
    throw withSegment(e, segment('resource_metrics', resourceMetrics.length));
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: Reader, end: number): ResourceMetrics {
  const rm: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) rm.scopeMetrics.push(decodeScopeMetrics(r, r.end())); // 2 scope_metrics
      else if (tag === 10) rm.resource = decodeResource(r, r.end()); // 1 resource
      else if (tag === 26) rm.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('scope_metrics', rm.scopeMetrics.length) : field === 1 ? 'resource' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return rm;
}

function decodeScopeMetrics(r: Reader, end: number): ScopeMetrics {
  const sm: ScopeMetrics = { scope: emptyScope(), metrics: [], schemaUrl: '' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 18) sm.metrics.push(decodeMetric(r, r.end())); // 2 metrics
      else if (tag === 10) sm.scope = decodeScope(r, r.end()); // 1 scope
      else if (tag === 26) sm.schemaUrl = r.string(); // 3 schema_url
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 2 ? segment('metrics', sm.metrics.length) : field === 1 ? 'scope' : field === 3 ? 'schema_url' : `field ${field}`);
  }
  return sm;
}

const METRIC_FIELDS = ['', 'name', 'description', 'unit', '', 'gauge', '', 'sum', '', 'histogram', 'exponential_histogram', 'summary', 'metadata'];

export function newMetric(): Metric {
  return {
    name: '',
    description: '',
    unit: '',
    metadata: [],
    gauge: undefined,
    sum: undefined,
    histogram: undefined,
    exponentialHistogram: undefined,
    summary: undefined,
  };
}

function decodeMetric(r: Reader, end: number): Metric {
  const m = newMetric();
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 10: // 1 name
          m.name = r.string();
          break;
        case 18: // 2 description
          m.description = r.string();
          break;
        case 26: // 3 unit
          m.unit = r.string();
          break;
        case 42: // 5 gauge
          clearData(m);
          m.gauge = { dataPoints: decodePoints(r, r.end(), decodeNumberPoint) };
          break;
        case 58: {
          // 7 sum
          clearData(m);
          const e = r.end();
          const s = { dataPoints: [] as NumberDataPoint[], aggregationTemporality: 0, isMonotonic: false };
          while (r.pos < e) {
            const t = r.tag();
            if (t === 10) pushPoint(r, s.dataPoints, decodeNumberPoint);
            else if (t === 16) s.aggregationTemporality = r.int32();
            else if (t === 24) s.isMonotonic = r.bool();
            else r.skip(t & 7, t >>> 3);
          }
          r.checkEnd(e);
          m.sum = s;
          break;
        }
        case 74: // 9 histogram
          clearData(m);
          m.histogram = decodeWithTemporality(r, r.end(), decodeHistogramPoint);
          break;
        case 82: // 10 exponential_histogram
          clearData(m);
          m.exponentialHistogram = decodeWithTemporality(r, r.end(), decodeExpPoint);
          break;
        case 90: // 11 summary
          clearData(m);
          m.summary = { dataPoints: decodePoints(r, r.end(), decodeSummaryPoint) };
          break;
        case 98: // 12 metadata
          m.metadata.push(decodeKeyValue(r, r.end()));
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment(METRIC_FIELDS[field] || `field ${field}`, field === 12 ? m.metadata.length : -1));
  }
  return m;
}

/** The data oneof: a later member replaces an earlier one, as in protobuf. */
function clearData(m: Metric): void {
  m.gauge = undefined;
  m.sum = undefined;
  m.histogram = undefined;
  m.exponentialHistogram = undefined;
  m.summary = undefined;
}

type PointDecoder<P> = (r: Reader, end: number) => P;

function pushPoint<P>(r: Reader, points: P[], decode: PointDecoder<P>): void {
  try {
    points.push(decode(r, r.end()));
  } catch (e) {
    throw withSegment(e, segment('data_points', points.length));
  }
}

/** A Gauge or Summary body: only data_points (1). */
function decodePoints<P>(r: Reader, end: number, decode: PointDecoder<P>): P[] {
  const points: P[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === 10) pushPoint(r, points, decode);
    else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return points;
}

/** A Histogram or ExponentialHistogram body: data_points (1), aggregation_temporality (2). */
function decodeWithTemporality<P>(r: Reader, end: number, decode: PointDecoder<P>): { dataPoints: P[]; aggregationTemporality: number } {
  const out = { dataPoints: [] as P[], aggregationTemporality: 0 };
  while (r.pos < end) {
    const t = r.tag();
    if (t === 10) pushPoint(r, out.dataPoints, decode);
    else if (t === 16) out.aggregationTemporality = r.int32();
    else r.skip(t & 7, t >>> 3);
  }
  r.checkEnd(end);
  return out;
}

// How to take one signal's data apart and put it back together (resource -> scope -> records),
// written once for every walk that splits or regroups data without caring which signal it is:
// splitting by size (ops.ts), partitioning by condition (routing, the security guard).
import type { InstrumentationScope, LogsData, Metric, MetricsData, Resource, ResourceLogs, ResourceMetrics, ResourceSpans, ScopeLogs, ScopeMetrics, ScopeSpans, Signal, TracesData } from './types.ts';
import { dataPointsOf } from './points.ts';

export interface Shape {
  resources(d: unknown): unknown[];
  resource(r: unknown): Resource;
  scopes(r: unknown): unknown[];
  scope(s: unknown): InstrumentationScope;
  records(s: unknown): unknown[];
  /** Items a record counts for: 1 for a span or log record, a metric's data points. */
  weight(rec: unknown): number;
  /** The signal's data holding these resource entries. */
  data(resources: unknown[]): unknown;
  /** Resource entry `r` with other scope entries (and another resource, when given). */
  withScopes(r: unknown, scopes: unknown[], resource?: Resource): unknown;
  /** Scope entry `s` with other records (and another scope, when given). */
  withRecords(s: unknown, records: unknown[], scope?: InstrumentationScope): unknown;
}

const ONE = (): number => 1;

const TRACES: Shape = {
  resources: (d) => (d as TracesData).resourceSpans,
  resource: (r) => (r as ResourceSpans).resource,
  scopes: (r) => (r as ResourceSpans).scopeSpans,
  scope: (s) => (s as ScopeSpans).scope,
  records: (s) => (s as ScopeSpans).spans,
  weight: ONE,
  data: (rs) => ({ resourceSpans: rs as ResourceSpans[] }),
  withScopes: (r, scopeSpans, resource) => ({ resource: resource ?? (r as ResourceSpans).resource, scopeSpans: scopeSpans as ScopeSpans[], schemaUrl: (r as ResourceSpans).schemaUrl }),
  withRecords: (s, spans, scope) => ({ scope: scope ?? (s as ScopeSpans).scope, spans: spans as ScopeSpans['spans'], schemaUrl: (s as ScopeSpans).schemaUrl }),
};

const LOGS: Shape = {
  resources: (d) => (d as LogsData).resourceLogs,
  resource: (r) => (r as ResourceLogs).resource,
  scopes: (r) => (r as ResourceLogs).scopeLogs,
  scope: (s) => (s as ScopeLogs).scope,
  records: (s) => (s as ScopeLogs).logRecords,
  weight: ONE,
  data: (rs) => ({ resourceLogs: rs as ResourceLogs[] }),
  withScopes: (r, scopeLogs, resource) => ({ resource: resource ?? (r as ResourceLogs).resource, scopeLogs: scopeLogs as ScopeLogs[], schemaUrl: (r as ResourceLogs).schemaUrl }),
  withRecords: (s, logRecords, scope) => ({ scope: scope ?? (s as ScopeLogs).scope, logRecords: logRecords as ScopeLogs['logRecords'], schemaUrl: (s as ScopeLogs).schemaUrl }),
};

const METRICS: Shape = {
  resources: (d) => (d as MetricsData).resourceMetrics,
  resource: (r) => (r as ResourceMetrics).resource,
  scopes: (r) => (r as ResourceMetrics).scopeMetrics,
  scope: (s) => (s as ScopeMetrics).scope,
  records: (s) => (s as ScopeMetrics).metrics,
  weight: (m) => dataPointsOf(m as Metric).length,
  data: (rs) => ({ resourceMetrics: rs as ResourceMetrics[] }),
  withScopes: (r, scopeMetrics, resource) => ({ resource: resource ?? (r as ResourceMetrics).resource, scopeMetrics: scopeMetrics as ScopeMetrics[], schemaUrl: (r as ResourceMetrics).schemaUrl }),
  withRecords: (s, metrics, scope) => ({ scope: scope ?? (s as ScopeMetrics).scope, metrics: metrics as Metric[], schemaUrl: (s as ScopeMetrics).schemaUrl }),
};

export const SHAPES: Readonly<Record<Signal, Shape>> = { traces: TRACES, metrics: METRICS, logs: LOGS };

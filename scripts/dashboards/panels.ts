// Builders for the genRF Grafana dashboards, typed with Grafana's published schema
// (@grafana/schema, the TypeScript generated from Grafana's CUE dashboard and panel
// schemas, of the Grafana line docker-compose.yml runs). `npm run typecheck` therefore checks
// every dashboard, panel option and query field against it; scripts/gen-dashboards.ts writes
// the JSON (Grafana's dashboard JSON model) and its --check mode catches drift.
import {
  BarGaugeDisplayMode,
  BarGaugeNamePlacement,
  FieldColorModeId,
  ThresholdsMode,
  BarGaugeSizing,
  BarGaugeValueMode,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  HeatmapCellLayout,
  LegendDisplayMode,
  LogsDedupStrategy,
  LogsSortOrder,
  PercentChangeColorMode,
  SortOrder,
  TooltipDisplayMode,
  VisibilityMode,
  VizOrientation,
  type Dashboard,
  type DataQuery,
  type DataSourceRef,
  type Panel,
  type RowPanel,
  type VariableModel,
} from '@grafana/schema';
import type { ElasticsearchDataQuery } from '@grafana/schema/dist/esm/raw/composable/elasticsearch/dataquery/x/ElasticsearchDataQuery_types.gen.js';
import type { Options as BarGaugeOptions } from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen.js';
import type { Options as HeatmapOptions } from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen.js';
import type { Options as LogsOptions } from '@grafana/schema/dist/esm/raw/composable/logs/panelcfg/x/LogsPanelCfg_types.gen.js';
import { PieChartLabels, PieChartLegendValues, PieChartType, type Options as PieChartOptions } from '@grafana/schema/dist/esm/raw/composable/piechart/panelcfg/x/PieChartPanelCfg_types.gen.js';
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type { Options as TableOptions } from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen.js';
import type { Options as TimeSeriesOptions } from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.js';

/** The schema version of Grafana's dashboard JSON model in @grafana/schema 12.2. */
export const SCHEMA_VERSION = 42;

/** Data sources, by the uids of deploy/grafana/provisioning/datasources/datasources.yaml. */
export const DS = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  logs: { type: 'elasticsearch', uid: 'elasticsearch-genrf-logs' },
  security: { type: 'elasticsearch', uid: 'elasticsearch-genrf-security' },
  jaeger: { type: 'jaeger', uid: 'jaeger' },
} as const satisfies Record<string, DataSourceRef>;

// ---- queries ---------------------------------------------------------------------------

/** A Prometheus query as Grafana's Prometheus data source stores it. */
export interface PromQuery extends DataQuery {
  datasource: DataSourceRef;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
}

/** A Jaeger trace search as Grafana's Jaeger data source stores it. */
export interface JaegerQuery extends DataQuery {
  datasource: DataSourceRef;
  queryType: 'search';
  service: string;
  operation?: string;
  limit?: number;
}

export type Query = PromQuery | (ElasticsearchDataQuery & { datasource: DataSourceRef }) | JaegerQuery;

const REF = 'ABCDEFGHIJ';

/** A range query (time series); `instant` for one value per series at the range's end. */
export function prom(expr: string, legendFormat = '__auto', o: { instant?: boolean; format?: PromQuery['format'] } = {}): PromQuery {
  return { refId: '', datasource: DS.prometheus, expr, legendFormat, range: !o.instant, instant: o.instant === true, ...(o.format ? { format: o.format } : {}) };
}

/** The latest log lines matching a Lucene query. */
export function esLogs(query: string, datasource: DataSourceRef = DS.logs, limit = 100): ElasticsearchDataQuery & { datasource: DataSourceRef } {
  return { refId: '', datasource, query, timeField: 'timestamp', metrics: [{ id: '1', type: 'logs', settings: { limit: String(limit) } }], bucketAggs: [] };
}

/** Documents matching a Lucene query, counted by one or more keyword fields (a table). */
export function esTerms(query: string, fields: string[], size = 10, datasource: DataSourceRef = DS.logs): ElasticsearchDataQuery & { datasource: DataSourceRef } {
  return {
    refId: '',
    datasource,
    query,
    timeField: 'timestamp',
    metrics: [{ id: '1', type: 'count' }],
    bucketAggs: fields.map((field, i) => ({ id: String(i + 2), type: 'terms', field, settings: { size: String(size), order: 'desc', orderBy: '_count', min_doc_count: '1' } })),
  };
}

/** Documents matching a Lucene query over time, split by a keyword field. */
export function esCountOverTime(query: string, by: string, datasource: DataSourceRef = DS.logs): ElasticsearchDataQuery & { datasource: DataSourceRef } {
  return {
    refId: '',
    datasource,
    query,
    timeField: 'timestamp',
    alias: `{{term ${by}}}`,
    metrics: [{ id: '1', type: 'count' }],
    bucketAggs: [
      { id: '2', type: 'terms', field: by, settings: { size: '10', order: 'desc', orderBy: '_count', min_doc_count: '1' } },
      { id: '3', type: 'date_histogram', field: 'timestamp', settings: { interval: 'auto', min_doc_count: '0' } },
    ],
  };
}

export function jaegerSearch(operation: string, limit = 20): JaegerQuery {
  return { refId: '', datasource: DS.jaeger, queryType: 'search', service: '$service', operation, limit };
}

// ---- panels ----------------------------------------------------------------------------

interface Common {
  title: string;
  description: string;
  w?: number;
  h?: number;
}
interface Thresholds {
  red?: number;
  yellow?: number;
  green?: number;
  reverse?: boolean;
}

/** Panels before layout: the width and height travel with them; gen-dashboards places them. */
export type Sized = (Panel & { w: number; h: number }) | (RowPanel & { w: number; h: number });

// The schema types a panel's targets and options loosely (Record<string, unknown>); they were
// checked against their own types (PromQuery, ElasticsearchDataQuery, the panel's Options)
// where they were built.
function targets(queries: Query[]): Array<Record<string, unknown>> {
  return queries.map((q, i) => ({ ...q, refId: REF[i] }) as unknown as Record<string, unknown>);
}

function loose<T extends object>(options: T): Record<string, unknown> {
  return options as unknown as Record<string, unknown>;
}

function thresholds(t: Thresholds | undefined) {
  if (!t) return { mode: ThresholdsMode.Absolute, steps: [{ color: 'green', value: null }] };
  // Ascending steps from -Infinity (null): "bad below" for ratios like success rate.
  const steps = t.reverse
    ? [
        { color: 'red', value: null },
        { color: 'yellow', value: t.yellow ?? t.red ?? 0 },
        { color: 'green', value: t.green ?? t.yellow ?? 0 },
      ]
    : [
        { color: 'green', value: null },
        { color: 'yellow', value: t.yellow ?? t.red ?? 0 },
        { color: 'red', value: t.red ?? 0 },
      ];
  return { mode: ThresholdsMode.Absolute, steps };
}

function datasourceOf(queries: Query[]): DataSourceRef {
  const uids = new Set(queries.map((q) => q.datasource.uid));
  return uids.size === 1 ? queries[0].datasource : { type: 'datasource', uid: '-- Mixed --' };
}

export function timeseries(p: Common & { unit: string; queries: Query[]; stack?: boolean; min?: number; max?: number }): Sized {
  const options: TimeSeriesOptions = {
    legend: { calcs: ['mean', 'lastNotNull'], displayMode: LegendDisplayMode.Table, placement: 'bottom', showLegend: true },
    tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
  };
  return {
    type: 'timeseries',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: {
      defaults: {
        unit: p.unit,
        min: p.min,
        max: p.max,
        thresholds: thresholds(undefined),
        color: { mode: FieldColorModeId.PaletteClassic },
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: p.stack ? 30 : 10, showPoints: 'never', spanNulls: true, stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' } },
      },
      overrides: [],
    },
    options: loose(options),
    w: p.w ?? 12,
    h: p.h ?? 8,
  };
}

export function stat(p: Common & { unit: string; queries: Query[]; thresholds?: Thresholds; decimals?: number }): Sized {
  const options: StatOptions = {
    colorMode: BigValueColorMode.Value,
    graphMode: BigValueGraphMode.Area,
    justifyMode: BigValueJustifyMode.Auto,
    orientation: VizOrientation.Auto,
    percentChangeColorMode: PercentChangeColorMode.Standard,
    showPercentChange: false,
    textMode: BigValueTextMode.Auto,
    wideLayout: true,
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  };
  return {
    type: 'stat',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: { defaults: { unit: p.unit, decimals: p.decimals, thresholds: thresholds(p.thresholds), color: { mode: FieldColorModeId.Thresholds } }, overrides: [] },
    options: loose(options),
    w: p.w ?? 6,
    h: p.h ?? 4,
  };
}

/** A heatmap of a Prometheus histogram's buckets (format heatmap: Grafana de-accumulates `le`). */
export function heatmap(p: Common & { unit: string; queries: Query[] }): Sized {
  const options: HeatmapOptions = {
    calculate: false,
    color: {
      exponent: 0.5,
      fill: 'dark-orange',
      mode: 'scheme' as HeatmapOptions['color']['mode'],
      reverse: false,
      scale: 'exponential' as HeatmapOptions['color']['scale'],
      scheme: 'Oranges',
      steps: 64,
    },
    exemplars: { color: 'rgba(255,0,255,0.7)' },
    legend: { show: true },
    rowsFrame: { layout: HeatmapCellLayout.le },
    showValue: VisibilityMode.Auto,
    tooltip: { mode: TooltipDisplayMode.Single, yHistogram: true, showColorScale: false },
    yAxis: { unit: p.unit, reverse: false },
    cellGap: 1,
  };
  return {
    type: 'heatmap',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: { defaults: { custom: { hideFrom: { legend: false, tooltip: false, viz: false }, scaleDistribution: { type: 'linear' } } }, overrides: [] },
    options: loose(options),
    maxDataPoints: 60,
    w: p.w ?? 12,
    h: p.h ?? 8,
  };
}

export function bargauge(p: Common & { unit: string; queries: Query[]; max?: number; thresholds?: Thresholds }): Sized {
  const options: BarGaugeOptions = {
    displayMode: BarGaugeDisplayMode.Gradient,
    legend: { calcs: [], displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: false },
    maxVizHeight: 300,
    minVizHeight: 16,
    minVizWidth: 8,
    namePlacement: BarGaugeNamePlacement.Auto,
    orientation: VizOrientation.Horizontal,
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    showUnfilled: true,
    sizing: BarGaugeSizing.Auto,
    valueMode: BarGaugeValueMode.Color,
  };
  return {
    type: 'bargauge',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: { defaults: { unit: p.unit, min: 0, max: p.max, thresholds: thresholds(p.thresholds), color: { mode: FieldColorModeId.Thresholds } }, overrides: [] },
    options: loose(options),
    w: p.w ?? 12,
    h: p.h ?? 8,
  };
}

export function piechart(p: Common & { unit: string; queries: Query[] }): Sized {
  const options: PieChartOptions = {
    displayLabels: [PieChartLabels.Name, PieChartLabels.Percent],
    pieType: PieChartType.Donut,
    sort: SortOrder.Descending,
    legend: { calcs: [], displayMode: LegendDisplayMode.Table, placement: 'right', showLegend: true, values: [PieChartLegendValues.Value, PieChartLegendValues.Percent] },
    orientation: VizOrientation.Auto,
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    tooltip: { mode: TooltipDisplayMode.Single, sort: SortOrder.None },
  };
  return {
    type: 'piechart',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: { defaults: { unit: p.unit, color: { mode: FieldColorModeId.PaletteClassic } }, overrides: [] },
    options: loose(options),
    w: p.w ?? 8,
    h: p.h ?? 8,
  };
}

export function table(p: Common & { queries: Query[]; transformations?: Panel['transformations']; overrides?: NonNullable<Panel['fieldConfig']>['overrides'] }): Sized {
  const options: TableOptions = { frameIndex: 0, showHeader: true, cellHeight: 'sm' as TableOptions['cellHeight'], enablePagination: false };
  return {
    type: 'table',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    fieldConfig: { defaults: { custom: { align: 'auto', filterable: true }, thresholds: thresholds(undefined) }, overrides: p.overrides ?? [] },
    transformations: p.transformations ?? [],
    options: loose(options),
    w: p.w ?? 12,
    h: p.h ?? 8,
  };
}

export function logs(p: Common & { queries: Query[] }): Sized {
  const options: LogsOptions = {
    dedupStrategy: LogsDedupStrategy.none,
    enableLogDetails: true,
    prettifyLogMessage: false,
    showCommonLabels: false,
    showLabels: false,
    showLogContextToggle: false,
    showTime: true,
    sortOrder: LogsSortOrder.Descending,
    wrapLogMessage: true,
    enableInfiniteScrolling: false,
  };
  return {
    type: 'logs',
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p.queries),
    targets: targets(p.queries),
    options: loose(options),
    w: p.w ?? 24,
    h: p.h ?? 10,
  };
}

export function row(title: string): Sized {
  return { type: 'row', title, collapsed: false, id: 0, panels: [], w: 24, h: 1 };
}

// ---- dashboards ------------------------------------------------------------------------

/** The Prometheus `job` of the series (the target scraping the prometheus exporter). */
export const JOB_VARIABLE: VariableModel = {
  type: 'query',
  name: 'job',
  label: 'Job',
  description: "The Prometheus job scraping genrf-collector's prometheus exporter (:8889)",
  datasource: DS.prometheus,
  query: { query: 'label_values(genrf_circuits_generated_total, job)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
  definition: 'label_values(genrf_circuits_generated_total, job)',
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { text: 'All', value: '$__all' },
  refresh: 2,
  sort: 1,
  regex: '',
} as VariableModel;

/** The daemon's own metrics job (:8888). */
export const COLLECTOR_VARIABLE: VariableModel = {
  type: 'query',
  name: 'collector',
  label: 'Collector job',
  description: "The Prometheus job scraping genrf-collector's own metrics (:8888)",
  datasource: DS.prometheus,
  query: { query: 'label_values(otelcol_exporter_queue_capacity, job)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
  definition: 'label_values(otelcol_exporter_queue_capacity, job)',
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { text: 'All', value: '$__all' },
  refresh: 2,
  sort: 1,
  regex: '',
} as VariableModel;

/** deployment.environment of the records in Elasticsearch (set by pipelines/genrf.yaml from GENRF_ENV). */
export const ENV_VARIABLE: VariableModel = {
  type: 'query',
  name: 'env',
  label: 'Environment',
  description: 'deployment.environment of the genRF records in Elasticsearch',
  datasource: DS.logs,
  query: '{"find": "terms", "field": "resource.deployment.environment"}',
  includeAll: true,
  multi: true,
  allValue: '*',
  current: { text: 'All', value: '$__all' },
  refresh: 2,
  sort: 1,
  regex: '',
};

/** service.name of the workers, for Jaeger searches. */
export const SERVICE_VARIABLE: VariableModel = {
  type: 'textbox',
  name: 'service',
  label: 'Service (Jaeger)',
  description: 'service.name of the genRF workers',
  query: 'genrf-worker',
  current: { text: 'genrf-worker', value: 'genrf-worker' },
};

export function dashboard(d: { uid: string; title: string; description: string; tags: string[]; variables: VariableModel[]; panels: Sized[] }): Dashboard {
  // Left to right, top to bottom, 24 columns; a row panel starts a new line.
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  const panels = d.panels.map((p, i) => {
    const { w, h, ...panel } = p;
    if (x + w > 24 || panel.type === 'row') {
      x = 0;
      y += lineHeight;
      lineHeight = 0;
    }
    const placed = { ...panel, id: i + 1, gridPos: { h, w, x, y } };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    if (panel.type === 'row') {
      x = 24;
    }
    return placed as Panel | RowPanel;
  });
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['genrf', ...d.tags],
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    timepicker: {},
    annotations: {
      list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' }],
    },
    links: [{ title: 'genRF dashboards', type: 'dashboards', tags: ['genrf'], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    templating: { list: d.variables },
    panels,
  };
}

// Reading the shipped Grafana dashboards (deploy/grafana/dashboards/*.json) as Grafana would:
// the panels (rows flattened), their targets, and the checks of the fields Grafana needs to
// load a dashboard. Shared by the unit test (structure) and the services test (every query
// against the real Prometheus, Elasticsearch and Jaeger).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface PanelTarget {
  dashboard: string;
  panel: string;
  panelType: string;
  target: Json;
}

export function readDashboards(): Record<string, Json> {
  return Object.fromEntries(
    readdirSync(DASHBOARDS)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8'))]),
  );
}

export function panelsOf(d: Json): Json[] {
  return (d.panels ?? []).flatMap((p: Json) => (p.type === 'row' ? [p, ...(p.panels ?? [])] : [p]));
}

export function targetsOf(file: string, d: Json): PanelTarget[] {
  return panelsOf(d)
    .filter((p) => p.type !== 'row')
    .flatMap((p) => (p.targets ?? []).map((target: Json) => ({ dashboard: file, panel: p.title, panelType: p.type, target })));
}

/** uid -> { type, jsonData } of deploy/grafana/provisioning/datasources/datasources.yaml. */
export function provisionedDatasources(): Map<string, { type: string; jsonData: Json }> {
  const doc = parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as { datasources: Json[] };
  return new Map(doc.datasources.map((d) => [d.uid, { type: d.type, jsonData: d.jsonData ?? {} }]));
}

/** Panel types Grafana 12 ships (core plugins) that these dashboards may use. */
export const CORE_PANELS = new Set(['row', 'timeseries', 'stat', 'heatmap', 'table', 'logs', 'bargauge', 'piechart', 'gauge', 'text', 'barchart', 'alertlist']);

/**
 * What Grafana needs to load a dashboard and run its panels, as a list of problems (empty when
 * the dashboard is good): uid, title, schemaVersion, unique panel ids, known panel types, grid
 * positions inside 24 columns without overlap, a provisioned data source for every target,
 * unique refIds, and a template variable for every `$name` a query uses.
 */
export function dashboardProblems(file: string, d: Json, datasources = provisionedDatasources()): string[] {
  const out: string[] = [];
  const at = (what: string) => `${file}: ${what}`;
  for (const key of ['uid', 'title']) if (typeof d[key] !== 'string' || d[key] === '') out.push(at(`no ${key}`));
  if (!Number.isInteger(d.schemaVersion)) out.push(at('no schemaVersion'));
  const variables = new Set<string>((d.templating?.list ?? []).map((v: Json) => v.name));
  const builtins = new Set(['__rate_interval', '__interval', '__range', '__interval_ms', '__range_s']);
  const ids = new Set<number>();
  const cells = new Set<string>();
  for (const p of panelsOf(d)) {
    const name = `panel "${p.title}"`;
    if (!Number.isInteger(p.id) || ids.has(p.id)) out.push(at(`${name}: id ${p.id} missing or repeated`));
    ids.add(p.id);
    if (!CORE_PANELS.has(p.type)) out.push(at(`${name}: unknown panel type ${p.type}`));
    const g = p.gridPos;
    if (!g || ![g.x, g.y, g.w, g.h].every(Number.isInteger) || g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1) {
      out.push(at(`${name}: gridPos ${JSON.stringify(g)} outside the 24-column grid`));
    } else {
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          if (cells.has(`${x},${y}`)) {
            out.push(at(`${name}: overlaps another panel at ${x},${y}`));
            x = 99;
            break;
          }
          cells.add(`${x},${y}`);
        }
    }
    if (p.type === 'row') continue;
    if (typeof p.title !== 'string' || p.title === '') out.push(at(`panel ${p.id}: no title`));
    if (!Array.isArray(p.targets) || p.targets.length === 0) out.push(at(`${name}: no targets`));
    const refIds = new Set<string>();
    for (const t of p.targets ?? []) {
      if (typeof t.refId !== 'string' || refIds.has(t.refId)) out.push(at(`${name}: refId ${t.refId} missing or repeated`));
      refIds.add(t.refId);
      const ds = datasources.get(t.datasource?.uid);
      if (!ds) out.push(at(`${name}: data source ${t.datasource?.uid} is not provisioned`));
      else if (ds.type !== t.datasource.type) out.push(at(`${name}: data source ${t.datasource.uid} is a ${ds.type}, not ${t.datasource.type}`));
      const text = JSON.stringify(t);
      for (const m of text.matchAll(/\$(\w+)/g)) {
        if (!variables.has(m[1]) && !builtins.has(m[1])) out.push(at(`${name}: uses $${m[1]}, which is not a template variable`));
      }
      if (ds?.type === 'prometheus' && (typeof t.expr !== 'string' || t.expr === '')) out.push(at(`${name}: Prometheus target without expr`));
      if (ds?.type === 'elasticsearch' && (!Array.isArray(t.metrics) || !Array.isArray(t.bucketAggs) || typeof t.query !== 'string'))
        out.push(at(`${name}: Elasticsearch target without query, metrics and bucketAggs`));
    }
  }
  return out;
}

// The four Grafana dashboards of the observability guide (deploy/grafana/dashboards):
// - the JSON is what scripts/dashboards/ gives (those definitions are typed with Grafana's
//   published schema, @grafana/schema, so `npm run typecheck` validates them);
// - every dashboard has what Grafana needs to load it and run its panels (dashboardProblems),
//   and that check catches a broken one;
// - every panel of the guide is there, with a panel type that suits its data;
// - Grafana's provisioning loads them, with the data sources they name.
// test/services/grafana-dashboards.test.ts runs every query against the real backends.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_VERSION } from '../../../scripts/dashboards/panels.ts';
import { renderDashboards } from '../../../scripts/gen-dashboards.ts';
import { dashboardProblems, panelsOf, readDashboards, ROOT, targetsOf } from './dashboard-files.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const files = readDashboards();
const byTitle = (title: string) => Object.values(files).find((d) => d.title === title);

/** The guide's panels ("Grafana Dashboards"), and the panels that show each. */
const GUIDE: Record<string, Record<string, string[]>> = {
  'genRF System Health': {
    'Circuit generation rate (circuits/hour)': ['Circuit generation rate', 'Circuit generation rate by status'],
    'Success rate percentage': ['Success rate'],
    'Average generation time': ['Average generation time'],
    'SPICE simulation success rate': ['SPICE simulation success rate'],
    'GPU/CPU utilization': ['GPU / CPU utilization'],
    'Memory usage trends': ['Memory usage'],
  },
  'genRF Performance': {
    'Generation time percentiles (P50, P95, P99)': ['Generation time percentiles (P50, P95, P99)', 'Generation time distribution'],
    'Model inference latency': ['Model inference latency (P50, P95)'],
    'SPICE convergence rate by circuit type': ['SPICE convergence rate by circuit type'],
    'Optimization iteration counts': ['Optimization iterations'],
    'Queue depths and processing times': ['Queue depths', 'Queue wait time (P50, P95)'],
  },
  'genRF Business Metrics': {
    'Active users and sessions': ['Active users', 'Active sessions', 'Active users and sessions'],
    'Popular circuit types and frequencies': ['Popular circuit types', 'Requested frequencies'],
    'Export format usage': ['Export format usage'],
    'User satisfaction scores': ['Average satisfaction (1-5)', 'Satisfaction score distribution', 'Satisfaction by feature'],
    'Feature adoption rates': ['Feature adoption'],
  },
  'genRF Error Analysis': {
    'Error rates by component': ['Error rates by component'],
    'Top error messages': ['Top error messages'],
    'Failure patterns by technology/frequency': ['Failure ratio by technology', 'Failure ratio by frequency (up to each band)', 'Failures by technology and circuit type'],
    'Recovery time metrics': ['Recovery time (P50, P95)'],
    'Alert escalation status': ['Alert escalation status'],
  },
};

describe('deploy/grafana/dashboards', () => {
  it('are what scripts/dashboards/ generates (npm run dashboards)', () => {
    const want = renderDashboards();
    expect(Object.keys(files)).toEqual(Object.keys(want).sort());
    for (const [file, text] of Object.entries(want)) expect(readFileSync(join(ROOT, 'deploy/grafana/dashboards', file), 'utf8'), file).toBe(text);
    // The CLI check agrees (exit 0).
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-dashboards.ts'), '--check'], { stdio: 'pipe' });
  });

  it.each(Object.keys(files))('%s has everything Grafana needs to load it and run its panels', (file) => {
    const d = files[file];
    expect(dashboardProblems(file, d)).toEqual([]);
    expect(d.schemaVersion).toBe(SCHEMA_VERSION);
    expect(d.tags).toContain('genrf');
  });

  it('the check catches what would break a dashboard in Grafana', () => {
    const d: Json = structuredClone(files['genrf-performance.json']);
    const panels = panelsOf(d).filter((p) => p.type !== 'row');
    panels[1].id = panels[0].id;
    panels[2].gridPos = { ...panels[0].gridPos };
    panels[3].targets[0].datasource = { type: 'prometheus', uid: 'nope' };
    panels[4].type = 'graph-old';
    panels[5].targets[0].expr = 'sum(rate(x{job=~"$nojob"}[5m]))';
    const problems = dashboardProblems('broken.json', d).join('\n');
    for (const want of [
      /id \d+ missing or repeated/,
      /overlaps another panel/,
      /data source nope is not provisioned/,
      /unknown panel type graph-old/,
      /uses \$nojob, which is not a template variable/,
    ]) {
      expect(problems).toMatch(want);
    }
  });

  it('the four dashboards show every panel the guide lists', () => {
    for (const [title, panels] of Object.entries(GUIDE)) {
      const d = byTitle(title);
      expect(d, title).toBeDefined();
      const titles = new Set(panelsOf(d).map((p) => p.title));
      for (const [guidePanel, ours] of Object.entries(panels)) {
        for (const t of ours) expect(titles.has(t), `${title}: "${t}" for the guide's "${guidePanel}"`).toBe(true);
      }
    }
    expect(Object.keys(files)).toHaveLength(4);
  });

  it('panel types suit the data: a heatmap for the duration histogram, logs for log lines, tables for top-N', () => {
    const all = Object.entries(files).flatMap(([f, d]) => targetsOf(f, d));
    const heat = all.find((t) => t.panelType === 'heatmap');
    expect(heat?.target.expr).toMatch(/genrf_generation_duration_seconds_bucket/);
    expect(heat?.target.format).toBe('heatmap');
    for (const t of all) {
      if (t.target.metrics?.[0]?.type === 'logs') expect(t.panelType, t.panel).toBe('logs');
      if (t.target.bucketAggs?.length && !t.target.bucketAggs.some((b: Json) => b.type === 'date_histogram')) expect(t.panelType, t.panel).toBe('table');
      if (t.target.format === 'table') expect(t.panelType, t.panel).toBe('table');
      if (/histogram_quantile/.test(t.target.expr ?? '')) expect(t.panelType, t.panel).toBe('timeseries');
    }
    const types = new Set(all.map((t) => t.panelType));
    for (const want of ['timeseries', 'stat', 'heatmap', 'table', 'logs']) expect(types.has(want), want).toBe(true);
    // Jaeger is used for traces (a search table).
    expect(all.some((t) => t.target.datasource.type === 'jaeger' && t.target.queryType === 'search')).toBe(true);
  });

  it('provisioning loads them from the directory docker-compose.yml mounts, with the data sources they name', () => {
    const provider = parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/dashboards/genrf.yaml'), 'utf8')) as Json;
    const path = provider.providers[0].options.path;
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Json;
    expect(compose.services.grafana.volumes).toContain(`./deploy/grafana/dashboards:${path}:ro`);
    const ds = parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as Json;
    const logs = ds.datasources.find((d: Json) => d.uid === 'elasticsearch-genrf-logs');
    // The guide's mapping: its time, message and level fields.
    expect(logs.jsonData).toMatchObject({ index: 'logs-genrf-default', timeField: 'timestamp', logMessageField: 'message', logLevelField: 'level' });
  });
});

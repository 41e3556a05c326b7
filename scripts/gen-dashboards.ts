// Writes deploy/grafana/dashboards/*.json from scripts/dashboards/ (typed with Grafana's
// published schema, @grafana/schema). `node scripts/gen-dashboards.ts --check` exits 1 when a
// file differs from what the definitions give (test/unit/deploy/grafana.test.ts runs it).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DASHBOARDS } from './dashboards/index.ts';

export const DASHBOARD_DIR = resolve(import.meta.dirname, '../deploy/grafana/dashboards');

export function renderDashboards(): Record<string, string> {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([file, d]) => [file, `${JSON.stringify(d, null, 2)}\n`]));
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  let stale = 0;
  mkdirSync(DASHBOARD_DIR, { recursive: true });
  for (const [file, text] of Object.entries(renderDashboards())) {
    const path = join(DASHBOARD_DIR, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === text) continue;
    if (check) {
      console.error(`${path} is out of date: run \`npm run dashboards\``);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../../scripts/gen-readme.ts';
import { createRegistry } from '../../../src/builtin-components.ts';

const README = resolve(import.meta.dirname, '../../../README.md');

describe('README', () => {
  it('lists every component with its options, as generated from the component READMEs', () => {
    const current = readFileSync(README, 'utf8');
    // Fails when a component or an option table changed without `npm run readme`.
    expect(renderReadme(current)).toBe(current);
  });

  it('names every registered component type', () => {
    const current = readFileSync(README, 'utf8');
    const registry = createRegistry();
    for (const kind of ['receiver', 'processor', 'exporter', 'connector', 'extension'] as const) {
      for (const type of registry.types(kind)) expect(current).toContain(`#### \`${type}\``);
    }
  });

  it('gives the two setup commands and the test command', () => {
    const current = readFileSync(README, 'utf8');
    expect(current).toContain('npm ci');
    expect(current).toContain('npx genrf-collector run --config pipelines/default.yaml');
    expect(current).toMatch(/^source scripts\/ensure-node\.sh && npm test$/m);
  });

  it('names every folder of src/ in its Layout section', () => {
    const current = readFileSync(README, 'utf8');
    const layout = current.slice(current.indexOf('## Layout'));
    const folders = readdirSync(resolve(import.meta.dirname, '../../../src'), { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const f of folders) expect(layout, `src/${f.name}/ is missing from the README's Layout`).toContain(`src/${f.name}/`);
  });
});

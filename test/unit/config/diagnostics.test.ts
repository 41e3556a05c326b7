import { expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES, formatDiagnostic } from '../../../src/config/diagnostics.ts';

const SRC = join(import.meta.dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

test('every CFG_ code used in src is in the table (the type checks src/config; this also catches strings)', () => {
  const used = new Set<string>();
  for (const f of sources(SRC)) for (const m of readFileSync(f, 'utf8').matchAll(/\bCFG_[A-Z_]+\b/g)) used.add(m[0]);
  expect(used.size).toBeGreaterThan(10);
  const missing = [...used].filter((c) => !(c in DIAGNOSTIC_CODES));
  expect(missing).toEqual([]);
});

test('formatDiagnostic: file:line:col, severity, code, [kind id], path, message; path relative under cwd', () => {
  const d = {
    severity: 'error' as const,
    code: 'CFG_UNKNOWN_KEY' as const,
    path: 'exporters.file/app.rotaton',
    componentId: 'file/app',
    message: 'unknown key "rotaton"; did you mean "rotation"?',
    pos: { file: '/srv/app/pipelines/broken.yaml', line: 12, col: 5 },
  };
  expect(formatDiagnostic(d, '/srv/app')).toBe('pipelines/broken.yaml:12:5: error CFG_UNKNOWN_KEY [exporter file/app] exporters.file/app.rotaton: unknown key "rotaton"; did you mean "rotation"?');
  // Outside cwd the path stays absolute; without a position or id those parts are left out.
  expect(formatDiagnostic(d, '/elsewhere')).toMatch(/^\/srv\/app\/pipelines\/broken\.yaml:12:5: /);
  expect(formatDiagnostic({ severity: 'warning', code: 'CFG_NO_PIPELINES', path: 'service.pipelines', message: 'none' })).toBe('warning CFG_NO_PIPELINES service.pipelines: none');
  expect(formatDiagnostic({ ...d, path: 'service.pipelines.logs.receivers[0]', componentId: 'routing/x', kind: 'connector' }, '/srv/app')).toContain(
    '[connector routing/x] service.pipelines.logs.receivers[0]: ',
  );
});

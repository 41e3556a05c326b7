// Loads pipeline files with the real registry. Processors that other work is still adding
// (redaction, resourcedetection) get a pass-through stand-in when they are not registered, so
// the analysis can be tested on its own: it reads only ids and the pipeline graph.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createRegistry } from '../../../src/builtin-components.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';
import type { ProcessorFactory } from '../../../src/pipeline/component.ts';
import type { Registry } from '../../../src/pipeline/registry.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const FIXTURES = join(ROOT, 'test/fixtures/security');

const standIn = (type: string): ProcessorFactory => ({
  kind: 'processor',
  type,
  description: 'test stand-in',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: z.looseObject({}),
  create: (_s, _c, _signal, next) => ({ mutates: false, consume: (b) => next.consume(b), start: async () => {}, shutdown: async () => {} }),
});

export function registry(): Registry {
  const r = createRegistry();
  for (const t of ['redaction', 'resourcedetection', 'resource']) if (!r.get('processor', t)) r.add(standIn(t));
  return r;
}

export function load(file: string, env: NodeJS.ProcessEnv = {}) {
  const res = loadConfig([file.startsWith('/') ? file : join(FIXTURES, file)], registry(), env);
  if (!res.config) throw new Error(`${file} did not load:\n${res.diagnostics.map((d) => formatDiagnostic(d, ROOT)).join('\n')}`);
  return res.config;
}

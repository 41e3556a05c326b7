// Writes schema/pipeline.schema.json from the registry (npm run schema). With --check, exits 1
// instead when the file is out of date (for CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry } from '../src/builtin-components.ts';
import { renderJsonSchema } from '../src/config/json-schema.ts';

const target = join(import.meta.dirname, '..', 'schema', 'pipeline.schema.json');
const text = renderJsonSchema(createRegistry());
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== text) {
    process.stderr.write(`${target} is out of date: run npm run schema\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}

import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry } from '../../../src/builtin-components.ts';
import { renderJsonSchema } from '../../../src/config/json-schema.ts';

test('schema/pipeline.schema.json matches the registry (regenerate with: npm run schema)', () => {
  const file = join(import.meta.dirname, '../../../schema/pipeline.schema.json');
  const current = readFileSync(file, 'utf8');
  // toBe on the whole text would print a wall of JSON; compare parsed first for a readable diff.
  expect(JSON.parse(current), 'schema/pipeline.schema.json is out of date: run npm run schema').toEqual(JSON.parse(renderJsonSchema(createRegistry())));
  expect(current).toBe(renderJsonSchema(createRegistry()));
});

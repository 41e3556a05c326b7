// `npm run codegen`: writes the OTLP codecs in src/pdata/generated/ from the vendored .proto
// files (vendor/opentelemetry-proto) and the model rules (scripts/codegen/model.ts). With
// --check it writes nothing and exits 1 when a generated file is out of date (CI, and the
// drift test in test/unit/pdata/codegen.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTable, type Table } from './codegen/table.ts';
import { emitFields } from './codegen/emit-fields.ts';
import { emitScan } from './codegen/emit-scan.ts';

const ROOT = join(import.meta.dirname, '..');
export const OUT_DIR = 'src/pdata/generated';

/** Every generated file: path relative to the repository root -> its text. */
export function generate(root = ROOT): Map<string, string> {
  const t: Table = loadTable(root);
  const files = new Map<string, string>();
  files.set(`${OUT_DIR}/fields.ts`, emitFields(t));
  files.set(`${OUT_DIR}/proto-scan.ts`, emitScan(t));
  return files;
}

/** The generated files whose text on disk differs from what the generator writes. */
export function stale(root = ROOT): string[] {
  const out: string[] = [];
  for (const [path, text] of generate(root)) {
    let current = '';
    try { current = readFileSync(join(root, path), 'utf8'); } catch { /* missing counts as stale */ }
    if (current !== text) out.push(path);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--check')) {
    const old = stale();
    if (old.length > 0) {
      process.stderr.write(`out of date: ${old.join(', ')}: run npm run codegen\n`);
      process.exit(1);
    }
  } else {
    for (const [path, text] of generate()) {
      writeFileSync(join(ROOT, path), text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
}

// `npm run codegen`: writes the OTLP codecs in src/pdata/generated/ from the vendored .proto
// files (vendor/opentelemetry-proto) and the model rules (scripts/codegen/model.ts). With
// --check it writes nothing and exits 1 when a generated file is out of date (CI, and the
// drift test in test/unit/pdata/codegen.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTable, type Table } from './codegen/table.ts';
import { emitFields } from './codegen/emit-fields.ts';
import { emitScan } from './codegen/emit-scan.ts';
import { emitDefaults } from './codegen/emit-defaults.ts';
import { emitDecode } from './codegen/emit-decode.ts';
import { emitEncode } from './codegen/emit-encode.ts';
import { emitJsonDecode } from './codegen/emit-json-decode.ts';
import { emitJsonEncode } from './codegen/emit-json-encode.ts';
import { emitClone } from './codegen/emit-clone.ts';

const ROOT = join(import.meta.dirname, '..');
export const OUT_DIR = 'src/pdata/generated';

/** Every generated file: path relative to the repository root -> its text. */
export function generate(root = ROOT): Map<string, string> {
  const t: Table = loadTable(root);
  const files = new Map<string, string>();
  files.set(`${OUT_DIR}/fields.ts`, emitFields(t));
  files.set(`${OUT_DIR}/proto-scan.ts`, emitScan(t));
  files.set(`${OUT_DIR}/defaults.ts`, emitDefaults(t));
  files.set(`${OUT_DIR}/proto-decode.ts`, emitDecode(t));
  files.set(`${OUT_DIR}/proto-encode.ts`, emitEncode(t));
  files.set(`${OUT_DIR}/json-decode.ts`, emitJsonDecode(t));
  files.set(`${OUT_DIR}/json-encode.ts`, emitJsonEncode(t));
  files.set(`${OUT_DIR}/clone.ts`, emitClone(t));
  return files;
}

/** The generated files whose text on disk differs from what the generator writes. */
export function stale(root = ROOT): string[] {
  const out: string[] = [];
  for (const [path, text] of generate(root)) {
    let current = '';
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      /* missing counts as stale */
    }
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

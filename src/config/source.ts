// Reading pipeline files: `--config` paths (files or directories) to positioned trees.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { fromDocument, type PNode } from './tree.ts';
import type { Diagnostic } from './model.ts';

const YAML_FILE_RE = /\.ya?ml$/;

export interface SourceFile {
  file: string;
  tree: PNode;
}

/**
 * Expands directories to their `*.yaml` / `*.yml` files in name order (not recursive, so a
 * directory of pipelines can keep fixtures or backups in subdirectories).
 */
export function listFiles(paths: readonly string[], diagnostics: Diagnostic[]): string[] {
  const files: string[] = [];
  if (paths.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'CFG_FILE_NOT_FOUND',
      path: '',
      message: 'no configuration given: pass --config <file or directory> (it may repeat)',
    });
  }
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      diagnostics.push({ severity: 'error', code: 'CFG_FILE_NOT_FOUND', path: '', message: `config file "${p}" does not exist: check the --config path` });
      continue;
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const names = readdirSync(p, { withFileTypes: true })
      .filter((e) => !e.isDirectory() && YAML_FILE_RE.test(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (names.length === 0) {
      diagnostics.push({ severity: 'error', code: 'CFG_DIR_EMPTY', path: '', message: `config directory "${p}" holds no *.yaml or *.yml file` });
    }
    for (const n of names) files.push(join(p, n));
  }
  return files;
}

/** Parses one file; every YAML error of the file becomes a diagnostic with its position. */
export function readSource(file: string, diagnostics: Diagnostic[]): SourceFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    diagnostics.push({ severity: 'error', code: 'CFG_FILE_READ', path: '', message: `config file "${file}" ${why}` });
    return undefined;
  }
  const lc = new LineCounter();
  // Duplicate keys are found in fromDocument instead of by the parser (uniqueKeys), which
  // would point at the end of the first entry rather than at the second key.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  let failed = false;
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = lc.linePos(e.pos[0]);
    const error = doc.errors.includes(e as never);
    failed ||= error;
    diagnostics.push({
      severity: error ? 'error' : 'warning',
      code: 'CFG_YAML_SYNTAX',
      path: '',
      pos: { file, line: p.line, col: p.col },
      message: `${firstLine(e.message)} (YAML ${e.code})`,
    });
  }
  if (failed) return undefined;
  let duplicates = false;
  const tree = fromDocument(doc, lc, file, (key, pos, first) => {
    duplicates = true;
    // Within one file a repeated key is a mistake; across files it is a merge.
    diagnostics.push({
      severity: 'error',
      code: 'CFG_DUPLICATE_KEY',
      path: '',
      pos,
      message: `key "${key}" is written twice in the same map (first at line ${first.line}): remove one or merge them`,
    });
  });
  return duplicates ? undefined : { file, tree };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

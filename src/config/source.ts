// Reading pipeline files: `--config` paths (files or directories) to positioned trees.
import { closeSync, fstatSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { AliasLimitError, fromDocument, type PNode } from './tree.ts';
import type { Diagnostic } from './model.ts';

const YAML_FILE_RE = /\.ya?ml$/;

/**
 * The largest pipeline file read: real ones are a few KiB; a bigger one is a mistake or an
 * attack, and parsing 50 MB took 8 s and 808 MB before this bound. Checked before reading.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/**
 * The yaml package's `maxAliasCount` (its guard against "billion laughs"): resolved aliases
 * times the aliases inside their anchors. The package's default is 100; pipeline files that
 * reuse one anchor (`<<: *retry`) in many components stay far below this.
 */
export const MAX_ALIAS_COUNT = 1000;

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

/** The pipeline files of `--config` paths, parsed: what loadConfig reads before it validates. */
export interface ParsedFiles {
  files: string[];
  /** One per file, undefined where it could not be read or parsed (see `diagnostics`). */
  sources: (SourceFile | undefined)[];
  diagnostics: Diagnostic[];
}

/** Lists and parses the files of `paths` (plain data: it can cross to or from a worker thread). */
export function parseFiles(paths: readonly string[]): ParsedFiles {
  const diagnostics: Diagnostic[] = [];
  const files = listFiles(paths, diagnostics);
  const sources = files.map((f) => readSource(f, diagnostics));
  return { files, sources, diagnostics };
}

/** Parses one file; every YAML error of the file becomes a diagnostic with its position. */
export function readSource(file: string, diagnostics: Diagnostic[]): SourceFile | undefined {
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      // Refuse before reading: the size of the file, not of what was read so far.
      const size = fstatSync(fd).size;
      if (size > MAX_CONFIG_FILE_BYTES) {
        diagnostics.push({
          severity: 'error',
          code: 'CFG_FILE_TOO_LARGE',
          path: '',
          pos: { file, line: 1, col: 1 },
          message: `config file is ${size} bytes; the limit is ${MAX_CONFIG_FILE_BYTES} bytes (1 MiB): a pipeline file this large is not read`,
        });
        return undefined;
      }
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
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
  // The package's own bound on alias expansion, checked on its (shared, cheap) JS value
  // before the positioned tree copies anything.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    diagnostics.push(aliasDiagnostic(file, lc, firstAmplifyingAlias(doc), err.message));
    return undefined;
  }
  let duplicates = false;
  let tree: PNode;
  try {
    tree = fromDocument(doc, lc, file, (key, pos, first) => {
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
  } catch (err) {
    if (!(err instanceof AliasLimitError)) throw err;
    diagnostics.push(aliasDiagnostic(file, lc, err.offset, err.message));
    return undefined;
  }
  return duplicates ? undefined : { file, tree };
}

function aliasDiagnostic(file: string, lc: LineCounter, offset: number, why: string): Diagnostic {
  const p = lc.linePos(offset);
  return {
    severity: 'error',
    code: 'CFG_YAML_ALIASES',
    path: '',
    pos: { file, line: p.line, col: p.col },
    message: `YAML aliases expand past the limit (${why}): an anchor is repeated through aliases of aliases; write the values out or use fewer levels of aliases`,
  };
}

/** Where to point for an alias bomb: the first alias of an anchor that itself holds aliases. */
function firstAmplifyingAlias(doc: Document): number {
  const anchored = new Set<string>();
  let first: number | undefined;
  let amplifying: number | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        first ??= node.range?.[0];
        if (amplifying === undefined && anchored.has(node.source)) amplifying = node.range?.[0];
        return;
      }
      if (node.anchor !== undefined) {
        let holdsAlias = false;
        visit(node, {
          Alias() {
            holdsAlias = true;
            return visit.BREAK;
          },
        });
        if (holdsAlias) anchored.add(node.anchor);
      }
    },
  });
  return amplifying ?? first ?? 0;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

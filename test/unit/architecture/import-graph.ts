// The import graph of src/, read with a regular expression over import and export statements
// (static `import ... from`, `export ... from`, side-effect `import '...'` and `import('...')`),
// and checked against layering rules. Only relative specifiers are followed: packages and
// node: builtins are not part of the layering.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/**
 * One rule, for the files whose path under src/ matches `from` (a regular expression; the text
 * it matches is `$own`, e.g. `receivers/otlp/`). Give `forbid` (path prefixes the files must
 * not import) or `allowOnly` (the only path prefixes they may import; `$own` for their own
 * folder).
 */
export interface Rule {
  name: string;
  from: string;
  forbid?: readonly string[];
  allowOnly?: readonly string[];
}

export interface Violation {
  /** The importing file, relative to src/. */
  file: string;
  line: number;
  /** The imported file, relative to src/. */
  target: string;
  rule: string;
}

const SPECIFIERS = [/^[ \t]*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^[ \t]*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];

/** The relative specifiers a source text imports, with the line each is on. */
export function importsOf(text: string): Array<{ specifier: string; line: number }> {
  const out: Array<{ specifier: string; line: number; at: number }> = [];
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      if (!m[1].startsWith('.')) continue;
      const at = m.index + m[0].lastIndexOf(m[1]);
      out.push({ specifier: m[1], at, line: text.slice(0, at).split('\n').length });
    }
  }
  return out.sort((a, b) => a.at - b.at).map(({ specifier, line }) => ({ specifier, line }));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every import in `srcDir` that breaks a rule. */
export function checkImports(srcDir: string, rules: readonly Rule[]): Violation[] {
  const compiled = rules.map((r) => ({ ...r, re: new RegExp(r.from) }));
  const violations: Violation[] = [];
  for (const abs of sourceFiles(srcDir)) {
    const file = relative(srcDir, abs).split(sep).join('/');
    const applicable = compiled.flatMap((r) => {
      const m = r.re.exec(file);
      return m ? [{ rule: r, own: m[0] }] : [];
    });
    if (applicable.length === 0) continue;
    for (const { specifier, line } of importsOf(readFileSync(abs, 'utf8'))) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (target.startsWith('../')) continue; // outside src/ (package.json and the like)
      for (const { rule, own } of applicable) {
        const under = (prefix: string) => target.startsWith(prefix === '$own' ? own : prefix);
        const broken = (rule.forbid?.some(under) ?? false) || (rule.allowOnly !== undefined && !rule.allowOnly.some(under));
        if (broken) violations.push({ file, line, target, rule: rule.name });
      }
    }
  }
  return violations;
}

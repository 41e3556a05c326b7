// `${env:VAR}` and `${env:VAR:-default}` expansion in string scalars, as otelcol does it.
import { parse as parseYaml } from 'yaml';
import type { PNode } from './tree.ts';
import type { DiagnosticCode } from './diagnostics.ts';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvIssue {
  code: Extract<DiagnosticCode, 'CFG_ENV_UNSET' | 'CFG_ENV_MALFORMED'>;
  message: string;
}

export interface Expanded {
  text: string;
  issues: EnvIssue[];
  /** The scalar was exactly one reference (so its value is re-read as YAML). */
  whole: boolean;
}

/**
 * Expands every reference in `text`. `$$` is a literal `$` (so `$${env:X}` stays as
 * written). A default is used only when the variable is unset: a variable set to '' is a
 * value (otelcol's rule). A `$` not followed by `{` or `$` is left alone.
 */
export function expandString(text: string, env: NodeJS.ProcessEnv): Expanded {
  const issues: EnvIssue[] = [];
  let out = '';
  let refs = 0;
  let literal = false;
  let i = 0;
  while (i < text.length) {
    const d = text.indexOf('$', i);
    if (d < 0 || d === text.length - 1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, d);
    const next = text[d + 1];
    if (next === '$') {
      out += '$';
      literal = true;
      i = d + 2;
      continue;
    }
    if (next !== '{') {
      out += '$';
      i = d + 1;
      continue;
    }
    const end = text.indexOf('}', d + 2);
    if (end < 0) {
      issues.push({ code: 'CFG_ENV_MALFORMED', message: `unclosed reference "${text.slice(d)}": write \${env:NAME} (or $$ for a literal "$")` });
      out += text.slice(d);
      break;
    }
    refs++;
    out += resolve(text.slice(d + 2, end), env, issues);
    i = end + 1;
  }
  const whole = refs === 1 && !literal && /^\$\{[^}]*\}$/.test(text);
  return { text: out, issues, whole };
}

function resolve(body: string, env: NodeJS.ProcessEnv, issues: EnvIssue[]): string {
  const shown = `\${${body}}`;
  if (!body.startsWith('env:')) {
    issues.push({
      code: 'CFG_ENV_MALFORMED',
      message: `unsupported reference "${shown}": only \${env:NAME} and \${env:NAME:-default} are supported (write $$ for a literal "$")`,
    });
    return '';
  }
  const rest = body.slice(4);
  const sep = rest.indexOf(':-');
  const name = sep < 0 ? rest : rest.slice(0, sep);
  if (name === '') {
    issues.push({ code: 'CFG_ENV_MALFORMED', message: `malformed reference "${shown}": name the variable, e.g. \${env:GENRF_ENV}` });
    return '';
  }
  if (!NAME_RE.test(name)) {
    issues.push({
      code: 'CFG_ENV_MALFORMED',
      message: `malformed reference "${shown}": the variable name must be letters, digits and "_", not starting with a digit`,
    });
    return '';
  }
  const value = env[name];
  if (value !== undefined) return value;
  if (sep >= 0) return rest.slice(sep + 2);
  issues.push({
    code: 'CFG_ENV_UNSET',
    message: `environment variable ${name} is not set: set it, or give a default with \${env:${name}:-value}`,
  });
  return '';
}

/**
 * Re-reads a whole-reference expansion as a YAML scalar so `port: ${env:PORT}` is a number
 * and `enabled: ${env:ON}` a boolean. Only scalars: a value that reads as a map or list (or
 * does not parse) stays the text it was.
 */
function reread(text: string): unknown {
  try {
    const v: unknown = parseYaml(text);
    return v === null || typeof v !== 'object' ? v : text;
  } catch {
    return text;
  }
}

/**
 * Expands every string scalar of `node` in place. Plain scalars that are one whole reference
 * are re-read; quoted ones stay strings, which is how a user forces a string
 * (`version: "${env:VERSION}"`). Keys are not expanded (nor are they in otelcol).
 */
export function expandTree(node: PNode, env: NodeJS.ProcessEnv, report: (issue: EnvIssue, node: PNode, path: (string | number)[]) => void, path: (string | number)[] = []): void {
  if (node.t === 'map') {
    for (const [k, e] of node.entries) expandTree(e.node, env, report, [...path, k]);
  } else if (node.t === 'seq') {
    node.items.forEach((item, i) => expandTree(item, env, report, [...path, i]));
  } else if (typeof node.value === 'string' && node.value.includes('$')) {
    const text = node.value;
    const r = expandString(text, env);
    for (const issue of r.issues) report(issue, node, path);
    node.value = r.whole && !node.quoted && r.issues.length === 0 ? reread(r.text) : r.text;
    if (r.text !== text && text.includes('${')) node.written = text;
  }
}

/**
 * A function that puts back, in a message, the text as written (`${env:UPSTREAM_TOKEN}`) for
 * every value that came from the environment: an error about an expanded value names the
 * variable, never shows the value (which may be a secret). Values shorter than 3 characters
 * are left (they would match everywhere and hide nothing).
 */
export function envHider(root: PNode): (text: string) => string {
  const pairs: [string, string][] = [];
  const walk = (node: PNode): void => {
    if (node.t === 'map') for (const e of node.entries.values()) walk(e.node);
    else if (node.t === 'seq') for (const n of node.items) walk(n);
    else if (node.written !== undefined && node.value !== null && node.value !== undefined) {
      const value = String(node.value);
      if (value.length < 3) return;
      pairs.push([value, node.written]);
      const json = JSON.stringify(value).slice(1, -1);
      if (json !== value) pairs.push([json, node.written]);
      // describe() (zod-issues.ts) shortens long strings to 57 characters and "...".
      if (value.length > 60) pairs.push([`${value.slice(0, 57)}...`, node.written]);
    }
  };
  walk(root);
  // Longest first, so that a value inside another is not replaced first.
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    for (const [value, written] of pairs) if (out.includes(value)) out = out.split(value).join(written);
    return out;
  };
}

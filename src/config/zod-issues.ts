// zod issues -> diagnostics at the position of the offending key or value, with messages
// that say what was expected, what was found and (for near misses) what was meant.
import type { z } from 'zod';
import { formatPath, positionFor, type Path, type PNode } from './tree.ts';
import { didYouMean, quoteList } from './suggest.ts';
import type { Diagnostic } from './model.ts';

type Issue = z.core.$ZodIssue;

export interface IssueContext {
  /** Schema that produced the issues (to list the keys it knows). */
  schema: z.ZodType;
  /** Path of the parsed value in the document (`['exporters', 'file/app']`). */
  base: Path;
  /** The merged tree, for positions. */
  root: PNode;
  /** The value that was parsed. */
  value: unknown;
  componentId?: string;
}

export function issuesToDiagnostics(issues: readonly Issue[], ctx: IssueContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) mapIssue(issue, toPath(issue.path), ctx, out);
  return out;
}

function mapIssue(issue: Issue, rel: (string | number)[], ctx: IssueContext, out: Diagnostic[]): void {
  const push = (path: (string | number)[], message: string, prefer: 'key' | 'value', code: Diagnostic['code'] = 'CFG_INVALID_VALUE') => {
    const full = [...ctx.base, ...path];
    out.push({
      severity: 'error',
      code,
      message,
      path: formatPath(full),
      pos: positionFor(ctx.root, full, prefer),
      componentId: ctx.componentId,
    });
  };
  const value = valueAt(ctx.value, rel);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(ctx.schema, rel);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known) || (known.length ? `; known keys: ${quoteList(known)}` : '');
        push([...rel, key], `unknown key "${key}"${hint}`, 'key', 'CFG_UNKNOWN_KEY');
      }
      return;
    }
    case 'invalid_type':
      if (value === undefined) {
        push(rel, `missing required key "${String(rel[rel.length - 1] ?? '')}": add it`, 'key');
      } else {
        push(rel, `expected ${expectedText(issue.expected)}, got ${describe(value)}`, 'value');
      }
      return;
    case 'invalid_union': {
      // When one branch got past the type check, its deeper issues are the useful ones.
      const deeper = issue.errors.find((branch) => branch.some((i) => i.code !== 'invalid_type' || i.path.length > 0));
      if (deeper) {
        for (const i of deeper) mapIssue(i, [...rel, ...toPath(i.path)], ctx, out);
        return;
      }
      const expected = [...new Set(issue.errors.flat().map((i) => expectedText((i as { expected?: string }).expected ?? '')))];
      push(rel, expected.length ? `expected ${expected.join(' or ')}, got ${describe(value)}` : `${issue.message}, got ${describe(value)}`, 'value');
      return;
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMean(value, options) : '';
      push(rel, `must be one of ${quoteList(options)}; got ${describe(value)}${hint}`, 'value');
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what = issue.origin === 'string' ? 'length' : issue.origin === 'array' || issue.origin === 'set' ? 'number of items' : 'value';
      push(rel, `${what} must be ${op} ${String(limit)}; got ${describe(value)}`, 'value');
      return;
    }
    case 'invalid_format':
      push(rel, `${issue.message}; got ${describe(value)}`, 'value');
      return;
    default:
      push(rel, issue.message, 'value');
  }
}

function toPath(p: readonly PropertyKey[]): (string | number)[] {
  return p.map((s) => (typeof s === 'number' ? s : String(s)));
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const EXPECTED: Record<string, string> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  null: 'an empty value',
  bigint: 'an integer',
};

function expectedText(e: string): string {
  return EXPECTED[e] ?? e;
}

/** How a found value is shown in messages. */
export function describe(v: unknown): string {
  if (v === null) return 'an empty value';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

interface Def {
  type: string;
  innerType?: Def$;
  in?: Def$;
  shape?: Record<string, Def$>;
  element?: Def$;
  valueType?: Def$;
  options?: Def$[];
  getter?: () => Def$;
}
interface Def$ {
  _zod: { def: Def };
}

/** Keys the object schema at `path` accepts (for "did you mean"). */
export function knownKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  const found = new Set<string>();
  const walk = (s: Def$ | undefined, i: number, depth: number): void => {
    if (!s || depth > 64) return;
    const def = s._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return walk(def.innerType, i, depth + 1);
      case 'pipe':
        return walk(def.in, i, depth + 1);
      case 'lazy':
        return walk(def.getter?.(), i, depth + 1);
      case 'union':
        for (const o of def.options ?? []) walk(o, i, depth + 1);
        return;
      case 'object':
        if (i === path.length) {
          for (const k of Object.keys(def.shape ?? {})) found.add(k);
          return;
        }
        return walk(def.shape?.[String(path[i])], i + 1, depth + 1);
      case 'array':
        return i < path.length ? walk(def.element, i + 1, depth + 1) : undefined;
      case 'record':
        return i < path.length ? walk(def.valueType, i + 1, depth + 1) : undefined;
    }
  };
  walk(schema as unknown as Def$, 0, 0);
  return [...found];
}

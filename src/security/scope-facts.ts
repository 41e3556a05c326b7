// What can be proved about two conditions from their scope-name constraints alone: that one
// takes every record the other matches ("covers"), or that they share no record
// ("disjoint"). Anything not provable here is answered conservatively by the caller: a
// route *may* carry security records unless proved disjoint, and the default route carries
// them unless the routes provably cover the classification.
import type { Condition, ScopeNameFacts } from '../match/condition.ts';
import type { Signal } from '../pdata/types.ts';
import { normaliseName } from '../match/normalise.ts';

/**
 * One accepted form of a scope name: an exact name, a logger-hierarchy or plain prefix, a
 * regex. `norm`: the names are normalised and compared with the normalised scope name
 * (scope_name_match: normalized), which accepts every spelling an exact form accepts.
 */
type Elem =
  | { kind: 'exact'; name: string; norm: boolean }
  /** Names equal to `root` (when set) or starting with `start`. */
  | { kind: 'prefix'; root: string | undefined; start: string; norm: boolean }
  | { kind: 'regex'; src: string; re: RegExp; norm: boolean };

/** A condition's scope constraint as clauses (all must hold) of alternatives (any may). */
type Clauses = Elem[][];

function clauses(f: ScopeNameFacts | undefined): Clauses | undefined {
  if (f === undefined) return undefined;
  const out: Clauses = [];
  const norm = f.normalized;
  if (f.exact.length > 0) out.push(f.exact.map((name) => ({ kind: 'exact', name, norm })));
  // As src/match reads them: a prefix ending in "." is plain, any other is a logger-hierarchy prefix.
  if (f.prefix.length > 0) out.push(f.prefix.map((p) => (p.endsWith('.') ? { kind: 'prefix', root: undefined, start: p, norm } : { kind: 'prefix', root: p, start: `${p}.`, norm })));
  // A regex sees the name as sent, whatever the mode.
  if (f.regex.length > 0) out.push(f.regex.map((src) => ({ kind: 'regex', src, re: new RegExp(src), norm: false })));
  return out.length > 0 ? out : undefined;
}

function accepts(m: Elem, name: string): boolean {
  if (m.kind === 'exact') return name === m.name;
  if (m.kind === 'prefix') return name === m.root || name.startsWith(m.start);
  return m.re.test(name);
}

/** The same form with its names normalised: it accepts every name the exact form accepts. */
function normalised(e: Elem): Elem {
  if (e.norm || e.kind === 'regex') return e;
  if (e.kind === 'exact') return { kind: 'exact', name: normaliseName(e.name), norm: true };
  const start = normaliseName(e.start);
  return { kind: 'prefix', root: e.root === undefined ? undefined : normaliseName(e.root), start: start.endsWith('.') ? start : `${start}.`, norm: true };
}

/** Every name `e` accepts, `m` accepts too. */
function subset(e: Elem, m: Elem): boolean {
  if (e.kind !== 'regex' && m.kind !== 'regex' && e.norm !== m.norm) {
    // An exact-mode form accepts a subset of its normalised form's names; the reverse is not provable.
    return m.norm ? subsetSame(normalised(e), m) : false;
  }
  return subsetSame(e, m);
}

function subsetSame(e: Elem, m: Elem): boolean {
  if (e.kind === 'exact') return accepts(m, e.name);
  if (e.kind === 'prefix') return m.kind === 'prefix' && e.start.startsWith(m.start) && (e.root === undefined || accepts(m, e.root));
  return m.kind === 'regex' && m.src === e.src;
}

/** No name is accepted by both. */
function disjoint(a: Elem, b: Elem): boolean {
  // Across modes, compare the normalised forms: they accept more, so disjoint there is disjoint.
  if (a.kind !== 'regex' && b.kind !== 'regex' && a.norm !== b.norm) return disjointSame(normalised(a), normalised(b));
  return disjointSame(a, b);
}

function disjointSame(a: Elem, b: Elem): boolean {
  if (a.kind === 'exact') return !accepts(b, a.name);
  if (b.kind === 'exact') return !accepts(a, b.name);
  if (a.kind === 'prefix' && b.kind === 'prefix') {
    if (a.start.startsWith(b.start) || b.start.startsWith(a.start)) return false;
    if (a.root !== undefined && accepts(b, a.root)) return false;
    if (b.root !== undefined && accepts(a, b.root)) return false;
    return true;
  }
  return false; // a regex against a prefix or another regex: not provable
}

/** The condition tests nothing but the scope name. */
function scopeOnly(c: Condition): boolean {
  return !c.levels.resource && !c.levels.record && c.levels.scope;
}

/** Every name `e` accepts passes every clause of `c`. */
function elemWithin(e: Elem, c: Clauses): boolean {
  return c.every((clause) => clause.some((m) => subset(e, m)));
}

/**
 * True when every record `cls` matches is provably matched by one of `routes` (for `signal`).
 * Only routes that test nothing but the scope name can be relied on.
 */
export function covers(routes: readonly Condition[], cls: Condition, signal: Signal): boolean {
  const target = clauses(cls.scopeNames);
  if (target === undefined) return false;
  const usable = routes.filter((r) => scopeOnly(r) && r.keysNotFor(signal).length === 0).map((r) => clauses(r.scopeNames)!);
  // A classified record passes every clause of cls; covering the names of any one clause is enough.
  return target.some((clause) => clause.every((e) => usable.some((r) => elemWithin(e, r))));
}

/** False only when no record can match both `route` and `cls` (for `signal`). */
export function canOverlap(route: Condition, cls: Condition, signal: Signal): boolean {
  if (route.keysNotFor(signal).length > 0 || cls.keysNotFor(signal).length > 0) return false;
  const a = clauses(route.scopeNames);
  const b = clauses(cls.scopeNames);
  if (a === undefined || b === undefined) return true;
  const clauseDisjoint = (x: Elem[], y: Elem[]) => x.every((e) => y.every((f) => disjoint(e, f)));
  return !a.some((x) => b.some((y) => clauseDisjoint(x, y)));
}

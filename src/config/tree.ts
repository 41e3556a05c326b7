// A YAML document as a small tree that keeps the position of every key and value, so that
// diagnostics found after merging files and parsing with zod still point at `file:line:col`.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePos } from './model.ts';

export type PNode = PMap | PSeq | PScalar;
export interface PMap {
  t: 'map';
  pos: SourcePos;
  entries: Map<string, PEntry>;
}
export interface PSeq {
  t: 'seq';
  pos: SourcePos;
  items: PNode[];
}
export interface PScalar {
  t: 'scalar';
  pos: SourcePos;
  value: unknown;
  /** Quoted or block scalars stay strings after env expansion (see env.ts). */
  quoted: boolean;
  /** The text as written when it held `${env:...}` references (errors show it, not the value). */
  written?: string;
}
export interface PEntry {
  keyPos: SourcePos;
  node: PNode;
}

export type Path = readonly (string | number)[];

/**
 * Nodes that aliases may add to a file's tree, all aliases together. The yaml package's
 * maxAliasCount (see source.ts) bounds how often anchors are reused; this bounds what the
 * copies cost, since one alias of a large anchor copies all of it.
 */
export const MAX_ALIAS_NODES = 100_000;

/** An alias expansion passed MAX_ALIAS_NODES; `offset` is the alias being expanded. */
export class AliasLimitError extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(`aliases would add more than ${MAX_ALIAS_NODES} nodes`);
    this.offset = offset;
  }
}

/** Converts a parsed document (possibly with errors) to a positioned tree. */
export function fromDocument(doc: Document, lc: LineCounter, file: string, onDuplicate: (key: string, pos: SourcePos, first: SourcePos) => void = () => {}): PNode {
  const at = (offset: number | undefined): SourcePos => {
    const p = lc.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
  };
  const seen = new Set<Node>();
  // Nodes converted inside alias expansions, and the outermost alias being expanded.
  let aliasNodes = 0;
  let outerAlias: number | undefined;
  const convert = (node: unknown, fallback: SourcePos): PNode => {
    if (outerAlias !== undefined && ++aliasNodes > MAX_ALIAS_NODES) throw new AliasLimitError(outerAlias);
    if (isAlias(node)) {
      const target = node.resolve(doc);
      // An alias cycle cannot be expressed as a value; stop at the repeat.
      if (!target || seen.has(target)) return { t: 'scalar', pos: at(node.range?.[0]), value: null, quoted: false };
      seen.add(target);
      const outer = outerAlias === undefined;
      if (outer) outerAlias = node.range?.[0] ?? 0;
      try {
        return convert(target, at(node.range?.[0]));
      } finally {
        seen.delete(target);
        if (outer) outerAlias = undefined;
      }
    }
    if (isMap(node)) {
      const entries = new Map<string, PEntry>();
      const merges: PNode[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyPos = at(keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0]);
        const key = isScalar(keyNode) ? String(keyNode.value) : keyNode == null ? '' : String(keyNode);
        const value = convert(pair.value, keyPos);
        // `<<: *anchor` merge keys, as go-yaml (and so otelcol) supports them.
        if (key === '<<' && isScalar(keyNode) && keyNode.source === '<<') {
          merges.push(value);
          continue;
        }
        const prev = entries.get(key);
        if (prev) onDuplicate(key, keyPos, prev.keyPos);
        entries.set(key, { keyPos, node: value });
      }
      for (const m of merges) {
        for (const src of m.t === 'seq' ? m.items : [m]) {
          if (src.t !== 'map') continue;
          for (const [k, e] of src.entries) if (!entries.has(k)) entries.set(k, e);
        }
      }
      return { t: 'map', pos: at(node.range?.[0]), entries };
    }
    if (isSeq(node)) {
      const pos = at(node.range?.[0]);
      return { t: 'seq', pos, items: node.items.map((n) => convert(n, pos)) };
    }
    if (isScalar(node)) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      return { t: 'scalar', pos: at(node.range?.[0]), value: node.value, quoted };
    }
    return { t: 'scalar', pos: fallback, value: null, quoted: false };
  };
  return convert(doc.contents, at(0));
}

/** Merges `over` into `base` as otelcol does: maps merge deeply, anything else replaces. */
export function merge(base: PNode | undefined, over: PNode): PNode {
  if (base?.t !== 'map' || over.t !== 'map') return over;
  const entries = new Map(base.entries);
  for (const [k, e] of over.entries) {
    const prev = entries.get(k);
    // A key written empty in a later file (`receivers:`) must not wipe an earlier map.
    if (prev && prev.node.t === 'map' && e.node.t === 'scalar' && e.node.value === null) continue;
    entries.set(k, prev ? { keyPos: e.keyPos, node: merge(prev.node, e.node) } : e);
  }
  return { t: 'map', pos: over.pos, entries };
}

/** The plain JS value of a tree. */
export function toPlain(node: PNode): unknown {
  if (node.t === 'scalar') return node.value;
  if (node.t === 'seq') return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, e] of node.entries) out[k] = toPlain(e.node);
  return out;
}

export interface Located {
  node: PNode;
  keyPos?: SourcePos;
}

/** The node at `path`, with the position of its key when it is a map value. */
export function locate(root: PNode, path: Path): Located | undefined {
  let cur: Located = { node: root };
  for (const seg of path) {
    const n = cur.node;
    if (n.t === 'map') {
      const e = n.entries.get(String(seg));
      if (!e) return undefined;
      cur = { node: e.node, keyPos: e.keyPos };
    } else if (n.t === 'seq' && typeof seg === 'number' && seg < n.items.length) {
      cur = { node: n.items[seg] };
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Best position for a diagnostic about `path`: its key (`key`) or its value (`value`);
 * when the path does not exist (a missing required key), the nearest ancestor's key.
 */
export function positionFor(root: PNode, path: Path, prefer: 'key' | 'value'): SourcePos | undefined {
  for (let n = path.length; n >= 0; n--) {
    const loc = locate(root, path.slice(0, n));
    if (!loc) continue;
    if (n < path.length) return loc.keyPos ?? loc.node.pos;
    // An empty value (`otlp:`) has no text of its own; its key is where the user looks.
    const emptyValue = loc.node.t === 'scalar' && loc.node.value === null;
    if (prefer === 'key' || emptyValue) return loc.keyPos ?? loc.node.pos;
    return loc.node.pos;
  }
  return undefined;
}

/** `exporters.file/app.rotation.max_megabytes`, `service.pipelines.logs.receivers[1]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

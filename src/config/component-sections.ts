// The component sections: id syntax, factory lookup and each config parsed by its factory's
// schema (defaults applied), every problem reported with its position.
import { parseComponentId } from '../pipeline/component-id.ts';
import type { Factory, Kind } from '../pipeline/component.ts';
import type { Registry } from '../pipeline/registry.ts';
import type { ComponentConfig, Diagnostic } from './model.ts';
import { formatPath, positionFor, type PNode } from './tree.ts';
import { issuesToDiagnostics, describe } from './zod-issues.ts';
import { didYouMean, quoteList } from './suggest.ts';

export type Section = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';

export const SECTIONS: ReadonlyArray<readonly [Section, Kind]> = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['connectors', 'connector'],
  ['extensions', 'extension'],
];
export const TOP_LEVEL_KEYS = [...SECTIONS.map(([s]) => s), 'service'];

export interface SectionResult {
  /** Valid components (known factory, config parsed), by id. */
  components: Map<string, ComponentConfig>;
  /** Every id written in the section, valid or not, so a reference to a broken one is not "undefined". */
  defined: Set<string>;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function checkTopLevel(raw: Record<string, unknown>, root: PNode, out: Diagnostic[]): void {
  for (const key of Object.keys(raw)) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    const hint = didYouMean(key, TOP_LEVEL_KEYS) || `; the sections are ${quoteList(TOP_LEVEL_KEYS)}`;
    out.push({
      severity: 'error',
      code: 'CFG_UNKNOWN_SECTION',
      path: key,
      pos: positionFor(root, [key], 'key'),
      message: `unknown section "${key}"${hint}`,
    });
  }
}

export function validateSection(section: Section, kind: Kind, raw: Record<string, unknown>, root: PNode, registry: Registry, out: Diagnostic[]): SectionResult {
  const result: SectionResult = { components: new Map(), defined: new Set() };
  const value = raw[section];
  if (value === undefined || value === null) return result;
  if (!isMap(value)) {
    out.push({
      severity: 'error',
      code: 'CFG_NOT_A_MAP',
      path: section,
      pos: positionFor(root, [section], 'value'),
      message: `"${section}" must be a map of component ids to their settings; got ${describe(value)}`,
    });
    return result;
  }
  for (const [text, cfg] of Object.entries(value)) {
    const path = [section, text];
    const keyPos = positionFor(root, path, 'key');
    const id = parseComponentId(text);
    if (typeof id === 'string') {
      out.push({ severity: 'error', code: 'CFG_INVALID_ID', path: formatPath(path), pos: keyPos, componentId: text, message: id });
      continue;
    }
    result.defined.add(text);
    const factory = registry.get(kind, id.type) as Factory | undefined;
    if (!factory) {
      out.push({
        severity: 'error',
        code: 'CFG_UNKNOWN_TYPE',
        path: formatPath(path),
        pos: keyPos,
        componentId: text,
        message: unknownTypeMessage(kind, id.type, registry),
      });
      continue;
    }
    const parsed = factory.config.safeParse(cfg ?? {});
    if (!parsed.success) {
      out.push(...issuesToDiagnostics(parsed.error.issues, { schema: factory.config, base: path, root, value: cfg ?? {}, componentId: text }));
      continue;
    }
    result.components.set(text, { id, kind, factory, config: parsed.data, pos: keyPos ?? { file: '', line: 0, col: 0 } });
  }
  return result;
}

function unknownTypeMessage(kind: Kind, type: string, registry: Registry): string {
  const known = registry.types(kind);
  let msg = `unknown ${kind} type "${type}" (known ${kind} types: ${known.length ? known.join(', ') : 'none'})${didYouMean(type, known)}`;
  // A connector written under exporters (or the like) is a common slip: say where it belongs.
  for (const [section, other] of SECTIONS) {
    if (other !== kind && registry.get(other, type)) msg += `; "${type}" is a ${other}: define it under ${section}`;
  }
  return msg;
}

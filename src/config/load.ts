// loadConfig: pipeline files -> a validated CollectorConfig, or every problem at once.
import type { Registry } from '../pipeline/registry.ts';
import type { CollectorConfig, Diagnostic, SourcePos } from './model.ts';
import type { ConnectorFactory, ExporterFactory, ExtensionFactory, ProcessorFactory, ReceiverFactory } from '../pipeline/component.ts';
import type { ComponentConfig } from './model.ts';
import { parseFiles } from './source.ts';
import { envHider, expandTree } from './env.ts';
import { formatPath, locate, merge, toPlain, type PNode } from './tree.ts';
import { checkTopLevel, isMap, SECTIONS, validateSection, type Section, type SectionResult } from './component-sections.ts';
import { validateService } from './pipelines.ts';
import { checkConnectors, checkCycles } from './graph-checks.ts';
import { checkListeners } from './listener-checks.ts';
import { describe } from './zod-issues.ts';

export interface LoadResult {
  /** Undefined when any diagnostic is an error. */
  config?: CollectorConfig;
  /** Errors and warnings, sorted by file (in merge order), line and column. */
  diagnostics: Diagnostic[];
}

export function loadConfig(paths: string[], registry: Registry, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const parsed = parseFiles(paths);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const { files } = parsed;
  let root: PNode | undefined;
  const envBroken: string[] = [];
  let unreadable = false;
  for (const src of parsed.sources) {
    if (!src) {
      unreadable = true;
      continue;
    }
    const tree = src.tree;
    if (tree.t === 'scalar' && tree.value === null) continue; // an empty file adds nothing
    if (tree.t !== 'map') {
      diagnostics.push({
        severity: 'error',
        code: 'CFG_NOT_A_MAP',
        path: '',
        pos: tree.pos,
        message: `a pipeline file must be a map of sections (receivers, exporters, service, ...); got ${describe(toPlain(tree))}`,
      });
      unreadable = true;
      continue;
    }
    expandTree(tree, env, (issue, node, path) => {
      envBroken.push(formatPath(path));
      const inComponent = path.length >= 2 && SECTIONS.some(([section]) => section === path[0]);
      diagnostics.push({
        severity: 'error',
        code: issue.code,
        message: issue.message,
        pos: node.pos,
        path: formatPath(path),
        ...(inComponent ? { componentId: String(path[1]) } : {}),
      });
    });
    root = merge(root, tree);
  }
  // A missing or unparsable file would make every reference into it look undefined: report
  // what broke and stop there, rather than bury it under consequences.
  if (unreadable || files.length === 0 || diagnostics.some((d) => d.severity === 'error' && d.code !== 'CFG_ENV_UNSET' && d.code !== 'CFG_ENV_MALFORMED')) {
    return { diagnostics: sortDiagnostics(diagnostics, files) };
  }
  root ??= { t: 'map', pos: { file: files[0], line: 1, col: 1 }, entries: new Map() };
  const hideEnv = envHider(root);
  const raw = toPlain(root) as Record<string, unknown>;
  const semantic: Diagnostic[] = [];
  checkTopLevel(raw, root, semantic);
  const sections = {} as Record<Section, SectionResult>;
  for (const [section, kind] of SECTIONS) sections[section] = validateSection(section, kind, raw, root, registry, semantic);
  const service = validateService(raw, root, sections, semantic);
  checkConnectors(service, sections.connectors.components, sections.connectors.defined, root, semantic);
  checkCycles(service, sections.connectors.defined, root, semantic);
  checkListeners(service, sections, root, semantic);
  // A value whose ${env:...} failed already has its error; what the schema says about the
  // empty text left behind is noise.
  const under = (path: string, p: string) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
  // "unused" adds nothing to an error about the same component (unknown type, bad config).
  const broken = semantic.filter((d) => d.severity === 'error' && d.componentId).map((d) => d.path);
  for (const d of semantic) {
    if (envBroken.some((p) => under(d.path, p))) continue;
    if (d.code === 'CFG_UNUSED' && broken.some((p) => under(p, d.path))) continue;
    diagnostics.push(d);
  }

  const sorted = sortDiagnostics(diagnostics, files);
  for (const d of sorted) d.message = hideEnv(d.message);
  if (sorted.some((d) => d.severity === 'error')) return { diagnostics: sorted };
  const finalRoot = root;
  const config: CollectorConfig = {
    receivers: sections.receivers.components as Map<string, ComponentConfig<ReceiverFactory>>,
    processors: sections.processors.components as Map<string, ComponentConfig<ProcessorFactory>>,
    exporters: sections.exporters.components as Map<string, ComponentConfig<ExporterFactory>>,
    connectors: sections.connectors.components as Map<string, ComponentConfig<ConnectorFactory>>,
    extensions: sections.extensions.components as Map<string, ComponentConfig<ExtensionFactory>>,
    service,
    files,
    raw: isMap(raw) ? raw : {},
    positionOf: (path) => positionOf(finalRoot, path),
    hideEnv,
  };
  return { config, diagnostics: sorted };
}

function positionOf(root: PNode, path: (string | number)[]): SourcePos | undefined {
  const loc = locate(root, path);
  if (!loc) return undefined;
  const empty = loc.node.t === 'scalar' && loc.node.value === null;
  return empty ? (loc.keyPos ?? loc.node.pos) : loc.node.pos;
}

function sortDiagnostics(ds: Diagnostic[], files: string[]): Diagnostic[] {
  const order = (d: Diagnostic) => (d.pos ? files.indexOf(d.pos.file) : -1);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => order(a.d) - order(b.d) || (a.d.pos?.line ?? 0) - (b.d.pos?.line ?? 0) || (a.d.pos?.col ?? 0) - (b.d.pos?.col ?? 0) || a.i - b.i)
    .map((x) => x.d);
}

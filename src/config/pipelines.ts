// service: pipeline ids, the references in each pipeline (defined? right signal? twice?),
// service.extensions, and components nobody uses.
import type { Signal } from '../pdata/types.ts';
import type { Kind } from '../pipeline/component.ts';
import type { ComponentConfig, Diagnostic, PipelineConfig, ServiceConfig } from './model.ts';
import { formatPath, positionFor, type PNode } from './tree.ts';
import { issuesToDiagnostics, describe } from './zod-issues.ts';
import { didYouMean } from './suggest.ts';
import { isMap, type Section, type SectionResult } from './component-sections.ts';
import { pipelineSchema, serviceSchema } from './service-schema.ts';

const PIPELINE_ID_RE = /^(traces|metrics|logs)(?:\/([^\s/]+(?:\/[^\s/]+)*))?$/;
const SIGNAL_NAMES = ['traces', 'metrics', 'logs'];

type Sections = Record<Section, SectionResult>;
type Role = 'receivers' | 'processors' | 'exporters';
const ROLE_KIND: Record<Role, Kind> = { receivers: 'receiver', processors: 'processor', exporters: 'exporter' };

export function validateService(raw: Record<string, unknown>, root: PNode, sections: Sections, out: Diagnostic[]): ServiceConfig {
  const diag = (code: Diagnostic['code'], path: (string | number)[], message: string, extra: Partial<Diagnostic> = {}, prefer: 'key' | 'value' = 'value') =>
    out.push({ severity: 'error', code, path: formatPath(path), pos: positionFor(root, path, prefer), message, ...extra });

  const svc = raw.service ?? {};
  const service: ServiceConfig = {
    pipelines: new Map(),
    extensions: [],
    telemetry: { logs: { level: 'info' }, metrics: { address: '127.0.0.1:8888', level: 'normal' } },
    shutdownTimeoutMs: 10_000,
  };
  if (!isMap(svc)) {
    diag('CFG_NOT_A_MAP', ['service'], `"service" must be a map with pipelines; got ${describe(svc)}`);
    return service;
  }
  const pipelinesRaw = svc.pipelines ?? {};
  // Pipelines are parsed one by one below, so that one broken pipeline does not hide the others.
  const rest = serviceSchema.safeParse({ ...svc, pipelines: {} });
  if (rest.success) {
    service.extensions = rest.data.extensions;
    service.telemetry = rest.data.telemetry;
    service.shutdownTimeoutMs = rest.data.shutdown_timeout;
    service.startTimeoutMs = rest.data.start_timeout;
  } else {
    out.push(...issuesToDiagnostics(rest.error.issues, { schema: serviceSchema, base: ['service'], root, value: svc }));
  }
  if (!isMap(pipelinesRaw)) {
    diag('CFG_NOT_A_MAP', ['service', 'pipelines'], `"service.pipelines" must be a map of pipeline ids (e.g. logs/app) to pipelines; got ${describe(pipelinesRaw)}`);
  } else {
    for (const [id, p] of Object.entries(pipelinesRaw)) {
      const pl = parsePipeline(id, p, root, sections, out);
      if (pl) service.pipelines.set(id, pl);
    }
  }
  if (service.pipelines.size === 0 && isMap(pipelinesRaw) && Object.keys(pipelinesRaw).length === 0) {
    diag('CFG_NO_PIPELINES', ['service', 'pipelines'], 'no pipelines configured: add one under service.pipelines, e.g. logs: { receivers: [otlp], exporters: [debug] }');
  }
  checkExtensions(svc, root, sections, out);
  checkStorageRefs(service, root, sections, out);
  checkAmbiguous(root, sections, out);
  checkUnused(service, root, sections, out);
  return service;
}

function parsePipeline(id: string, p: unknown, root: PNode, sections: Sections, out: Diagnostic[]): PipelineConfig | undefined {
  const path = ['service', 'pipelines', id];
  const keyPos = positionFor(root, path, 'key')!;
  const m = PIPELINE_ID_RE.exec(id);
  if (!m) {
    const signal = id.split('/', 1)[0];
    out.push({
      severity: 'error',
      code: 'CFG_INVALID_PIPELINE_ID',
      path: formatPath(path),
      pos: keyPos,
      message: `invalid pipeline id "${id}": write traces, metrics or logs, optionally followed by /name (e.g. logs/app)${didYouMean(signal, SIGNAL_NAMES)}`,
    });
    return undefined;
  }
  const parsed = pipelineSchema.safeParse(p ?? {});
  if (!parsed.success) {
    out.push(...issuesToDiagnostics(parsed.error.issues, { schema: pipelineSchema, base: path, root, value: p ?? {} }));
    return undefined;
  }
  const pl: PipelineConfig = { id, signal: m[1] as Signal, name: m[2] ?? '', ...parsed.data, pos: keyPos };
  for (const role of ['receivers', 'processors', 'exporters'] as const) checkRefs(pl, role, root, sections, out);
  if (pl.receivers.length === 0) {
    out.push({
      severity: 'error',
      code: 'CFG_NO_RECEIVERS',
      path: formatPath(path),
      pos: keyPos,
      message: `pipeline "${id}" has no receivers: list at least one receiver or connector under receivers`,
    });
  }
  if (pl.exporters.length === 0) {
    out.push({
      severity: 'error',
      code: 'CFG_NO_EXPORTERS',
      path: formatPath(path),
      pos: keyPos,
      message: `pipeline "${id}" has no exporters: list at least one exporter or connector under exporters`,
    });
  }
  return pl;
}

function checkRefs(pl: PipelineConfig, role: Role, root: PNode, sections: Sections, out: Diagnostic[]): void {
  const kind = ROLE_KIND[role];
  const own = sections[role];
  const viaConnector = role !== 'processors';
  const seen = new Set<string>();
  pl[role].forEach((ref, i) => {
    const path = ['service', 'pipelines', pl.id, role, i];
    const refKind: Kind = own.defined.has(ref) || !viaConnector || !sections.connectors.defined.has(ref) ? kind : 'connector';
    const at = { path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: ref, kind: refKind };
    if (seen.has(ref)) {
      out.push({ severity: 'error', code: 'CFG_DUPLICATE_REF', ...at, message: `${kind} "${ref}" is listed twice in pipeline "${pl.id}": remove one` });
      return;
    }
    seen.add(ref);
    if (own.defined.has(ref) || (viaConnector && sections.connectors.defined.has(ref))) {
      const c = own.components.get(ref);
      if (c) checkSignal(c, kind, pl, at, out);
      return;
    }
    const candidates = [...own.defined, ...(viaConnector ? sections.connectors.defined : [])];
    const where = viaConnector ? `${role} (or connectors)` : role;
    out.push({
      severity: 'error',
      code: 'CFG_UNDEFINED_REF',
      ...at,
      message: `references ${kind} "${ref}" which is not configured: define it under ${where} or fix the name${didYouMean(ref, candidates)}`,
    });
  });
}

function checkSignal(c: ComponentConfig, kind: Kind, pl: PipelineConfig, at: Pick<Diagnostic, 'path' | 'pos' | 'componentId' | 'kind'>, out: Diagnostic[]): void {
  const signals = (c.factory as { signals?: Partial<Record<Signal, unknown>> }).signals;
  if (!signals || signals[pl.signal] !== undefined) return;
  const supported = Object.keys(signals);
  out.push({
    severity: 'error',
    code: 'CFG_WRONG_SIGNAL',
    ...at,
    message:
      `${kind} "${c.id.text}" does not support ${pl.signal} (it supports ${supported.join(', ') || 'no signal'}): ` +
      `remove it from pipeline "${pl.id}"${supported.length ? ` or use it in a ${supported.join('/')} pipeline` : ''}`,
  });
}

function checkExtensions(svc: Record<string, unknown>, root: PNode, sections: Sections, out: Diagnostic[]): void {
  const list = svc.extensions;
  if (!Array.isArray(list)) return;
  const seen = new Set<string>();
  list.forEach((ref, i) => {
    if (typeof ref !== 'string') return; // reported by the schema
    const path = ['service', 'extensions', i];
    const at = { path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: ref, kind: 'extension' as const };
    if (seen.has(ref)) {
      out.push({ severity: 'error', code: 'CFG_DUPLICATE_REF', ...at, message: `extension "${ref}" is listed twice in service.extensions: remove one` });
    } else if (!sections.extensions.defined.has(ref)) {
      out.push({
        severity: 'error',
        code: 'CFG_UNDEFINED_REF',
        ...at,
        message: `references extension "${ref}" which is not configured: define it under extensions or fix the name${didYouMean(ref, sections.extensions.defined)}`,
      });
    }
    seen.add(ref);
  });
}

/**
 * An exporter's `sending_queue.storage` names an extension that must be configured and
 * enabled in service.extensions (it is started before the exporter and found through the host).
 */
function checkStorageRefs(service: ServiceConfig, root: PNode, sections: Sections, out: Diagnostic[]): void {
  const enabled = new Set(service.extensions);
  for (const [id, c] of sections.exporters.components) {
    const ref = (c.config as { sending_queue?: { storage?: unknown } } | undefined)?.sending_queue?.storage;
    if (typeof ref !== 'string' || enabled.has(ref)) continue;
    const path = ['exporters', id, 'sending_queue', 'storage'];
    const defined = sections.extensions.defined.has(ref);
    out.push({
      severity: 'error',
      code: 'CFG_UNDEFINED_REF',
      path: formatPath(path),
      pos: positionFor(root, path, 'value'),
      componentId: id,
      kind: 'exporter',
      message: defined
        ? `sending_queue.storage references extension "${ref}", which is not enabled: add it to service.extensions`
        : `sending_queue.storage references extension "${ref}" which is not configured: define it under extensions (e.g. file_storage: { directory: ./data/queue }) and add it to service.extensions${didYouMean(ref, sections.extensions.defined)}`,
    });
  }
}

/** A connector id that is also a receiver or exporter id would make pipeline references ambiguous. */
function checkAmbiguous(root: PNode, sections: Sections, out: Diagnostic[]): void {
  for (const id of sections.connectors.defined) {
    for (const section of ['receivers', 'exporters'] as const) {
      if (!sections[section].defined.has(id)) continue;
      const path = ['connectors', id];
      out.push({
        severity: 'error',
        code: 'CFG_INVALID_ID',
        path: formatPath(path),
        pos: positionFor(root, path, 'key'),
        componentId: id,
        message: `ambiguous id "${id}": it is defined both as a connector and under ${section}; rename one (e.g. ${id.split('/')[0]}/other)`,
      });
    }
  }
}

function checkUnused(service: ServiceConfig, root: PNode, sections: Sections, out: Diagnostic[]): void {
  const used = new Set<string>();
  for (const pl of service.pipelines.values()) for (const r of [...pl.receivers, ...pl.processors, ...pl.exporters]) used.add(r);
  const usedExt = new Set(service.extensions);
  const warn = (section: Section, id: string, message: string) => {
    const path = [section, id];
    out.push({ severity: 'warning', code: 'CFG_UNUSED', path: formatPath(path), pos: positionFor(root, path, 'key'), componentId: id, message });
  };
  for (const section of ['receivers', 'processors', 'exporters', 'connectors'] as const) {
    const kind = section.slice(0, -1);
    for (const id of sections[section].defined) {
      if (!used.has(id)) warn(section, id, `${kind} "${id}" is defined but used by no pipeline: add it to a pipeline or remove it`);
    }
  }
  for (const id of sections.extensions.defined) {
    if (!usedExt.has(id)) warn('extensions', id, `extension "${id}" is defined but not enabled: add it to service.extensions or remove it`);
  }
}

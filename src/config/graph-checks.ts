// Checks across pipelines: each connector joins pipelines it supports, its own config agrees
// with the pipelines it feeds, and no pipeline feeds itself through connectors.
import type { ConnectorFactory } from '../pipeline/component.ts';
import type { ComponentConfig, Diagnostic, PipelineConfig, ServiceConfig } from './model.ts';
import { formatPath, positionFor, type PNode } from './tree.ts';

interface Use {
  pipeline: PipelineConfig;
  index: number;
}

export function checkConnectors(service: ServiceConfig, connectors: Map<string, ComponentConfig>, definedConnectors: Set<string>, root: PNode, out: Diagnostic[]): void {
  const pipelines = [...service.pipelines.values()];
  for (const id of definedConnectors) {
    const asExporter: Use[] = [];
    const asReceiver: Use[] = [];
    for (const p of pipelines) {
      const e = p.exporters.indexOf(id);
      if (e >= 0) asExporter.push({ pipeline: p, index: e });
      const r = p.receivers.indexOf(id);
      if (r >= 0) asReceiver.push({ pipeline: p, index: r });
    }
    if (asExporter.length === 0 && asReceiver.length === 0) continue; // unused: a warning elsewhere
    const at = (u: Use, role: 'exporters' | 'receivers') => {
      const path = ['service', 'pipelines', u.pipeline.id, role, u.index];
      return { path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: id, kind: 'connector' as const };
    };
    if (asReceiver.length === 0) {
      for (const u of asExporter) {
        out.push({
          severity: 'error',
          code: 'CFG_CONNECTOR_UNPAIRED',
          ...at(u, 'exporters'),
          message: `connector "${id}" is used as an exporter but no pipeline lists it as a receiver: add it to the receivers of the pipeline it should feed`,
        });
      }
      continue;
    }
    if (asExporter.length === 0) {
      for (const u of asReceiver) {
        out.push({
          severity: 'error',
          code: 'CFG_CONNECTOR_UNPAIRED',
          ...at(u, 'receivers'),
          message: `connector "${id}" is used as a receiver but no pipeline lists it as an exporter: add it to the exporters of the pipeline that should feed it`,
        });
      }
      continue;
    }
    const c = connectors.get(id) as ComponentConfig<ConnectorFactory> | undefined;
    if (!c) continue; // unknown type or broken config: already reported
    const pairs = Object.keys(c.factory.pairs);
    const supported = (from: string, to: string) => c.factory.pairs[`${from}>${to}` as keyof typeof c.factory.pairs] !== undefined;
    // As otelcol: every use must pair with at least one use on the other side.
    for (const u of asExporter) {
      if (asReceiver.some((r) => supported(u.pipeline.signal, r.pipeline.signal))) continue;
      out.push({
        severity: 'error',
        code: 'CFG_CONNECTOR_PAIR',
        ...at(u, 'exporters'),
        message:
          `connector "${id}" cannot take ${u.pipeline.signal} from pipeline "${u.pipeline.id}" to any pipeline it feeds ` +
          `(${asReceiver.map((r) => r.pipeline.id).join(', ')}); it supports ${pairs.join(', ') || 'no pair'}`,
      });
    }
    for (const r of asReceiver) {
      if (asExporter.some((u) => supported(u.pipeline.signal, r.pipeline.signal))) continue;
      out.push({
        severity: 'error',
        code: 'CFG_CONNECTOR_PAIR',
        ...at(r, 'receivers'),
        message:
          `connector "${id}" cannot feed ${r.pipeline.signal} pipeline "${r.pipeline.id}" from any pipeline that exports to it ` +
          `(${asExporter.map((u) => u.pipeline.id).join(', ')}); it supports ${pairs.join(', ') || 'no pair'}`,
      });
    }
    const problems =
      c.factory.checkPipelines?.(
        c.config,
        asReceiver.map((r) => r.pipeline.id),
      ) ?? [];
    for (const p of problems) {
      const path = ['connectors', id, ...p.path];
      out.push({ severity: 'error', code: 'CFG_CONNECTOR_CHECK', path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: id, message: p.message });
    }
  }
}

/** Pipelines that feed each other through connectors in a loop would pass data around forever. */
export function checkCycles(service: ServiceConfig, connectorIds: Set<string>, root: PNode, out: Diagnostic[]): void {
  // Edge p -> q through connector c when c is an exporter of p and a receiver of q.
  const edges = new Map<string, Array<{ to: string; via: string }>>();
  for (const p of service.pipelines.values()) {
    const list: Array<{ to: string; via: string }> = [];
    for (const c of p.exporters) {
      if (!connectorIds.has(c)) continue;
      for (const q of service.pipelines.values()) if (q.receivers.includes(c)) list.push({ to: q.id, via: c });
    }
    edges.set(p.id, list);
  }
  const state = new Map<string, 'active' | 'done'>();
  const stack: Array<{ id: string; via?: string }> = [];
  const reported = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'active');
    for (const e of edges.get(id) ?? []) {
      if (state.get(e.to) === 'active') {
        const start = stack.findIndex((s) => s.id === e.to);
        const loop = [...stack.slice(start), { id: e.to, via: e.via }];
        const key = loop
          .slice(1)
          .map((s) => s.id)
          .sort()
          .join('\0');
        if (!reported.has(key)) {
          reported.add(key);
          report(loop);
        }
      } else if (!state.has(e.to)) {
        stack.push({ id: e.to, via: e.via });
        visit(e.to);
        stack.pop();
      }
    }
    state.set(id, 'done');
  };
  const report = (loop: Array<{ id: string; via?: string }>) => {
    const text = loop.map((s, i) => (i === 0 ? s.id : `[${s.via}] -> ${s.id}`)).join(' -> ');
    const first = service.pipelines.get(loop[0].id)!;
    const via = loop[1].via!;
    const path = ['service', 'pipelines', first.id, 'exporters', first.exporters.indexOf(via)];
    out.push({
      severity: 'error',
      code: 'CFG_CYCLE',
      path: formatPath(path),
      pos: positionFor(root, path, 'value'),
      componentId: via,
      kind: 'connector',
      message: `pipelines form a cycle through connectors: ${text}; data would loop forever: remove one connector from this loop`,
    });
  };
  for (const id of service.pipelines.keys()) {
    if (state.has(id)) continue;
    stack.push({ id });
    visit(id);
    stack.pop();
  }
}

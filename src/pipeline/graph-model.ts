import type { CollectorConfig } from '../config/model.ts';
import type { Signal } from '../pdata/types.ts';

/** A node of the pipeline graph as `graph` draws it and the status page shows it. */
export interface ModelNode {
  /** Unique and safe in Mermaid, DOT and HTML ids: `exporter_file_app`, `processor_logs_app_batch`. */
  id: string;
  kind: 'receiver' | 'processor' | 'exporter' | 'connector';
  /** The component id as written: `file/app`. */
  label: string;
  /** For processors: the pipeline whose instance this is. */
  pipeline?: string;
  /** Signals of the pipelines it appears in. */
  signals: Signal[];
  /**
   * The built components behind the node, as `/health` names them (`exporter/file/app@logs`,
   * `processor/batch@logs/app`, `connector/routing/security@logs>logs`).
   */
  keys: string[];
}

export interface ModelEdge {
  from: string;
  to: string;
}

export interface GraphModel {
  nodes: Map<string, ModelNode>;
  edges: ModelEdge[];
  /** Pipeline id -> the ids of its processor nodes, in order. */
  pipelines: Map<string, string[]>;
}

/**
 * The pipelines as one graph. Receivers and exporters appear once; processors once per
 * pipeline (each pipeline has its own instance); a connector is one node joining the
 * pipelines on either side. `graph` prints it; the status extension draws it.
 */
export function graphModel(config: CollectorConfig): GraphModel {
  const nodes: GraphModel['nodes'] = new Map();
  const edges: ModelEdge[] = [];
  const pipelines = new Map<string, string[]>();
  const nodeId = (kind: string, id: string) => `${kind}_${id}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const node = (kind: ModelNode['kind'], label: string, signal: Signal, pipeline?: string): string => {
    const id = nodeId(kind, pipeline === undefined ? label : `${pipeline}_${label}`);
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, kind, label, signals: [], keys: [], ...(pipeline === undefined ? {} : { pipeline }) }));
    if (!n.signals.includes(signal)) n.signals.push(signal);
    return id;
  };
  const seen = new Set<string>();
  for (const p of config.service.pipelines.values()) {
    const members: string[] = [];
    const heads = p.receivers.map((id) => node(config.connectors.has(id) ? 'connector' : 'receiver', id, p.signal));
    let prev = heads;
    for (const id of p.processors) {
      const n = node('processor', id, p.signal, p.id);
      members.push(n);
      for (const h of prev) edges.push({ from: h, to: n });
      prev = [n];
    }
    for (const id of p.exporters) {
      const n = node(config.connectors.has(id) ? 'connector' : 'exporter', id, p.signal);
      for (const h of prev) {
        const k = `${h}>${n}`;
        if (!seen.has(k)) edges.push({ from: h, to: n });
        seen.add(k);
      }
    }
    pipelines.set(p.id, members);
  }
  for (const n of nodes.values()) n.keys = keysOf(config, n);
  return { nodes, edges, pipelines };
}

/** The node keys of the built components behind a model node (see nodes.ts for how they are made). */
function keysOf(config: CollectorConfig, n: ModelNode): string[] {
  switch (n.kind) {
    case 'receiver':
      return [`receiver/${n.label}`];
    case 'processor':
      return [`processor/${n.label}@${n.pipeline}`];
    case 'exporter':
      return n.signals.map((s) => `exporter/${n.label}@${s}`);
    case 'connector': {
      const out: string[] = [];
      for (const p of config.service.pipelines.values()) {
        if (!p.exporters.includes(n.label)) continue;
        for (const q of config.service.pipelines.values()) {
          const k = `connector/${n.label}@${p.signal}>${q.signal}`;
          if (q.receivers.includes(n.label) && !out.includes(k)) out.push(k);
        }
      }
      return out;
    }
  }
}

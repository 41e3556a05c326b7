import type { CollectorConfig } from '../config/model.ts';
import { loadAndBuild } from '../pipeline/load.ts';
import { graphModel } from '../pipeline/graph-model.ts';
import { engineParts, printDiagnostics } from './engine.ts';
import { redactText } from '../telemetry/redact.ts';

/** `graph`: the pipelines as a Mermaid flowchart or a Graphviz DOT digraph. */
export async function graphCommand(paths: string[], format: string): Promise<number> {
  if (format !== 'mermaid' && format !== 'dot') {
    process.stderr.write(`genrf-collector graph: --format must be mermaid or dot, not "${format}"\n`);
    return 2;
  }
  const { config, diagnostics } = await loadAndBuild(paths, engineParts());
  if (!config) {
    printDiagnostics(diagnostics);
    return 1;
  }
  process.stdout.write(redactText(format === 'dot' ? toDot(config) : toMermaid(config)));
  return 0;
}

export function toMermaid(config: CollectorConfig): string {
  const g = graphModel(config);
  const shape = (label: string, kind: string) => (kind === 'receiver' ? `[/"${label}"/]` : kind === 'exporter' ? `[\\"${label}"\\]` : kind === 'connector' ? `{{"${label}"}}` : `["${label}"]`);
  const lines = ['flowchart LR'];
  for (const [pid, members] of g.pipelines) {
    if (members.length === 0) continue;
    lines.push(`  subgraph ${pid.replace(/[^a-zA-Z0-9_]/g, '_')}["${pid}"]`);
    for (const m of members) lines.push(`    ${m}${shape(g.nodes.get(m)!.label, 'processor')}`);
    lines.push('  end');
  }
  for (const [id, n] of g.nodes) if (n.kind !== 'processor') lines.push(`  ${id}${shape(n.label, n.kind)}`);
  for (const e of g.edges) lines.push(`  ${e.from} --> ${e.to}`);
  return `${lines.join('\n')}\n`;
}

export function toDot(config: CollectorConfig): string {
  const g = graphModel(config);
  const shape = { receiver: 'invhouse', processor: 'box', exporter: 'house', connector: 'hexagon' } as const;
  const lines = ['digraph pipelines {', '  rankdir=LR;'];
  for (const [pid, members] of g.pipelines) {
    if (members.length === 0) continue;
    lines.push(`  subgraph "cluster_${pid}" {`, `    label="${pid}";`);
    for (const m of members) lines.push(`    ${m} [label="${g.nodes.get(m)!.label}", shape=box];`);
    lines.push('  }');
  }
  for (const [id, n] of g.nodes) if (n.kind !== 'processor') lines.push(`  ${id} [label="${n.label}", shape=${shape[n.kind]}];`);
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

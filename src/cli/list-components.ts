import { createRegistry } from '../builtin-components.ts';
import type { Kind } from '../pipeline/component.ts';

const KINDS: Kind[] = ['receiver', 'processor', 'exporter', 'connector', 'extension'];

/** `components`: every type the daemon knows, with its signals and their stability. */
export async function componentsCommand(json: boolean): Promise<number> {
  const registry = createRegistry();
  const rows: Array<{ kind: Kind; type: string; signals: Record<string, string>; description: string }> = [];
  for (const kind of KINDS) {
    for (const f of registry.list(kind)) {
      const signals: Record<string, string> =
        f.kind === 'extension' ? { extension: f.stability } : f.kind === 'connector' ? ({ ...f.pairs } as Record<string, string>) : ({ ...f.signals } as Record<string, string>);
      rows.push({ kind, type: f.type, signals, description: f.description });
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const kind of KINDS) {
    const ofKind = rows.filter((r) => r.kind === kind);
    if (ofKind.length === 0) continue;
    process.stdout.write(`${kind}s:\n`);
    for (const r of ofKind) {
      const sig = Object.entries(r.signals)
        .map(([s, st]) => `${s}:${st}`)
        .join(' ');
      process.stdout.write(`  ${r.type.padEnd(18)} ${sig.padEnd(40)} ${r.description}\n`);
    }
  }
  return 0;
}

// service.security for the status page and for taps: every path security records can take,
// receiver to exporter, with the scrubbers passed on the way, and at every tap point whether
// security records pass there unscrubbed. A tap of a security pipeline before its scrubber is
// refused; elsewhere on an unscrubbed path (the ingest pipeline before the router) the tap
// withholds the security records; after the scrubber it shows them, scrubbed.
import type { CollectorConfig, PipelineConfig } from '../config/model.ts';
import type { Signal, SignalData } from '../pdata/types.ts';
import type { SecurityPath, SecurityView } from '../pipeline/introspection.ts';
import type { TapFilter, TapPointInfo, TapPolicy } from '../pipeline/tap.ts';
import { compileCondition, type Condition, type ConditionConfig } from '../match/condition.ts';
import { Partitioner } from '../match/partition.ts';
import { coversSignal, readPolicy, type SecurityPolicy } from '../config/security-policy.ts';
import { formatDiagnostic } from '../config/diagnostics.ts';
import { analyse } from './analyse.ts';
import { canOverlap, covers } from './scope-facts.ts';

/** The routing connector's config as far as this reads it (see analyse.ts). */
interface RoutingTable {
  table: ReadonlyArray<{ match: ConditionConfig; pipelines: readonly string[] }>;
  default_pipelines: readonly string[];
  match_once: boolean;
}

type State = 'scrubbed' | 'unscrubbed';

/** The view and the tap policy of a config, or undefined when it has no service.security. */
export function inspectSecurity(config: CollectorConfig): { view: SecurityView; tapPolicy: TapPolicy } | undefined {
  const policy = readPolicy(config);
  if (policy === undefined) return undefined;
  const walk = new Walk(config, policy);
  walk.run();
  const guarded: string[] = [];
  if (policy.runtime_guard) {
    for (const p of config.service.pipelines.values()) {
      if (!walk.covered(p.signal)) continue;
      for (const e of p.exporters) {
        const k = `${e}@${p.signal}`;
        if (config.exporters.has(e) && !policy.sinks.includes(e) && !guarded.includes(k)) guarded.push(k);
      }
    }
  }
  const view: SecurityView = {
    classify: policy.classify,
    sinks: policy.sinks,
    scrubbers: policy.scrubbers,
    signals: policy.signals,
    enforce: policy.enforce,
    runtimeGuard: policy.runtime_guard,
    paths: walk.paths,
    findings: analyse(config)
      .filter((d) => d.severity === 'error')
      .map((d) => formatDiagnostic(d)),
    guarded,
  };
  return { view, tapPolicy: tapPolicy(config, policy, walk) };
}

function tapPolicy(config: CollectorConfig, policy: SecurityPolicy, walk: Walk): TapPolicy {
  const filters = new Map<Signal, TapFilter>();
  const filterFor = (signal: Signal): TapFilter => {
    let f = filters.get(signal);
    if (!f) filters.set(signal, (f = withholding(walk.classify, signal)));
    return f;
  };
  return (point: TapPointInfo) => {
    if (walk.states.get(point.key) !== 'unscrubbed') return { allow: true };
    const p = config.service.pipelines.get(point.pipeline)!;
    if (walk.isSecurityFlow(p)) {
      const later = p.processors.filter((x) => policy.scrubbers.includes(x));
      const where =
        later.length > 0
          ? `they are scrubbed by ${later.join(', ')} later in that pipeline: tap ${later[0]}@${p.id} or a component after it to see them scrubbed`
          : 'no scrubber of service.security.scrubbers runs before this point';
      return {
        allow: false,
        reason: `refused: ${point.key} is in pipeline ${p.id}, which carries security records (service.security.classify) before they are scrubbed; ${where}`,
      };
    }
    return { allow: true, filter: filterFor(point.signal), note: 'security records pass here unscrubbed: the tap withholds them (service.security)' };
  };
}

/** A filter that removes the records `classify` matches, counting them. */
function withholding(classify: Condition, signal: Signal): TapFilter {
  const partitioner = new Partitioner<Signal>(signal, [{ cond: classify, mask: 1 }], 2, true, 2);
  return <S extends Signal>(_signal: S, data: SignalData[S]) => {
    const p = partitioner.split(data);
    return { data: p.parts[1] as SignalData[S] | undefined, withheld: p.items[0] };
  };
}

/** Follows every path from each receiver, as the proof does, recording what it sees. */
class Walk {
  readonly #config: CollectorConfig;
  readonly #policy: SecurityPolicy;
  readonly classify: Condition;
  readonly #sinks: Set<string>;
  readonly #scrubbers: Set<string>;
  readonly paths: SecurityPath[] = [];
  /** Tap point `id@pipeline` -> whether security records pass it unscrubbed. */
  readonly states = new Map<string, State>();

  constructor(config: CollectorConfig, policy: SecurityPolicy) {
    this.#config = config;
    this.#policy = policy;
    this.classify = compileCondition(policy.classify);
    this.#sinks = new Set(policy.sinks);
    this.#scrubbers = new Set(policy.scrubbers);
  }

  covered(signal: Signal): boolean {
    return coversSignal(this.#policy, signal) && this.classify.keysNotFor(signal).length === 0;
  }

  isSecurityFlow(p: PipelineConfig): boolean {
    return p.processors.some((x) => this.#scrubbers.has(x)) || p.exporters.some((x) => this.#sinks.has(x));
  }

  run(): void {
    for (const p of this.#config.service.pipelines.values()) {
      if (!this.covered(p.signal)) continue;
      for (const r of p.receivers) if (this.#config.receivers.has(r)) this.#walk(p, [r], [], []);
    }
  }

  #mark(key: string, scrubbed: boolean): void {
    if (this.states.get(key) !== 'unscrubbed') this.states.set(key, scrubbed ? 'scrubbed' : 'unscrubbed');
  }

  #walk(p: PipelineConfig, before: string[], pipelinesBefore: string[], scrubbedBefore: string[]): void {
    if (pipelinesBefore.includes(p.id)) return; // no cycle in a valid config; stay finite anyway
    const pipelines = [...pipelinesBefore, p.id];
    const steps = [...before];
    const scrubbedBy = [...scrubbedBefore];
    this.#mark(`${before[before.length - 1]}@${p.id}`, scrubbedBy.length > 0);
    for (const x of p.processors) {
      steps.push(x);
      if (this.#scrubbers.has(x)) scrubbedBy.push(x);
      this.#mark(`${x}@${p.id}`, scrubbedBy.length > 0);
    }
    for (const id of p.exporters) {
      this.#mark(`${id}@${p.id}`, scrubbedBy.length > 0);
      if (this.#config.exporters.has(id)) {
        this.paths.push({ steps: [...steps, id], pipelines, exporter: id, sink: this.#sinks.has(id), scrubbedBy });
        continue;
      }
      for (const q of this.#fed(id, p)) this.#walk(q, [...steps, id], pipelines, scrubbedBy);
    }
  }

  /** The pipelines connector `id` (exported to by `p`) can hand security records to. */
  #fed(id: string, p: PipelineConfig): PipelineConfig[] {
    const conn = this.#config.connectors.get(id);
    if (!conn) return [];
    const pipelines = this.#config.service.pipelines;
    const fed = [...pipelines.values()].filter((q) => q.receivers.includes(id) && this.covered(q.signal));
    if (conn.factory.type !== 'routing') return fed;
    const cfg = conn.config as RoutingTable;
    const conds = cfg.table.map((r) => compileCondition(r.match));
    const targets = new Set<string>();
    cfg.table.forEach((route, i) => {
      const carries = canOverlap(conds[i], this.classify, p.signal) && !(cfg.match_once && covers(conds.slice(0, i), this.classify, p.signal));
      if (carries) for (const q of route.pipelines) targets.add(q);
    });
    if (!covers(conds, this.classify, p.signal)) for (const q of cfg.default_pipelines) targets.add(q);
    return fed.filter((q) => targets.has(q.id));
  }
}

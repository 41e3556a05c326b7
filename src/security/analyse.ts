// The static proof of service.security: every path a record can take, from each receiver
// through pipelines, processors and connectors to each exporter, is followed; a path that can
// carry security records must end at a listed sink and pass a listed scrubber before it.
// Pure: reads the loaded config, returns diagnostics.
import type { CollectorConfig, Diagnostic, PipelineConfig } from '../config/model.ts';
import type { Kind } from '../pipeline/component.ts';
import type { Signal } from '../pdata/types.ts';
import { formatPath } from '../config/tree.ts';
import { didYouMean } from '../config/suggest.ts';
import { compileCondition, type Condition, type ConditionConfig } from '../match/condition.ts';
import { coversSignal, readPolicy, type SecurityPolicy } from '../config/security-policy.ts';
import { canOverlap, covers } from './scope-facts.ts';

type YamlPath = (string | number)[];

/**
 * The routing connector's config as far as the proof reads it (the connector's schema,
 * src/connectors/routing/config.ts, is the source; security/ imports no component).
 */
interface RoutingTable {
  table: ReadonlyArray<{ match: ConditionConfig; pipelines: readonly string[] }>;
  default_pipelines: readonly string[];
  match_once: boolean;
}

/** One step of a path: what is printed, and where it was written. */
interface Step {
  label: string;
  path: YamlPath;
  componentId: string;
  kind: Kind;
}

/** How records got into a pipeline. */
interface Entry {
  how: 'receiver' | 'route' | 'default' | 'connector';
  /** For route/default: the table row or default_pipelines entry; otherwise the list entry. */
  step: Step;
  /** The connector, for route/default/connector. */
  connector?: string;
  /** The routing table row, for route. */
  route?: number;
}

interface Segment {
  pipeline: PipelineConfig;
  entry: Entry;
}

/** A decided routing connector: which routes (and the default route) can carry security records. */
interface RouterFacts {
  routeCarries: boolean[];
  defaultCarries: boolean;
}

const PIPELINES = 'pipelines';

/** The proof when the config's policy asks for it (`enforce`, the default); nothing otherwise. */
export function checkSecurity(config: CollectorConfig): Diagnostic[] {
  return readPolicy(config)?.enforce ? analyse(config) : [];
}

export function analyse(config: CollectorConfig): Diagnostic[] {
  const policy = readPolicy(config);
  if (policy === undefined) return [];
  const out: Diagnostic[] = [];
  if (!checkRefs(config, policy, out)) return out;
  new Analysis(config, policy, out).run();
  return out.sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0));
}

/** sinks must be exporters and scrubbers processors; a typo would make the proof meaningless. */
function checkRefs(config: CollectorConfig, policy: SecurityPolicy, out: Diagnostic[]): boolean {
  let ok = true;
  const check = (list: string[], key: 'sinks' | 'scrubbers', known: Map<string, unknown>, what: string) => {
    list.forEach((id, i) => {
      if (known.has(id)) return;
      ok = false;
      const path = ['service', 'security', key, i];
      out.push({
        severity: 'error',
        code: 'SEC_UNDEFINED_REF',
        path: formatPath(path),
        pos: config.positionOf(path),
        message: `service.security.${key} names ${what} "${id}", which is not configured: define it under ${what}s or fix the name${didYouMean(id, known.keys())}`,
      });
    });
  };
  check(policy.sinks, 'sinks', config.exporters, 'exporter');
  check(policy.scrubbers, 'scrubbers', config.processors, 'processor');
  return ok;
}

class Analysis {
  readonly #config: CollectorConfig;
  readonly #policy: SecurityPolicy;
  readonly #out: Diagnostic[];
  readonly #classify: Condition;
  readonly #sinks: Set<string>;
  readonly #scrubbers: Set<string>;
  readonly #routers = new Map<string, RouterFacts>();
  /** Findings by code, blamed step and exporter: the first path, and how many paths share it. */
  readonly #found = new Map<string, { diag: Diagnostic; paths: number }>();

  constructor(config: CollectorConfig, policy: SecurityPolicy, out: Diagnostic[]) {
    this.#config = config;
    this.#policy = policy;
    this.#out = out;
    this.#classify = compileCondition(policy.classify);
    this.#sinks = new Set(policy.sinks);
    this.#scrubbers = new Set(policy.scrubbers);
  }

  run(): void {
    for (const p of this.#config.service.pipelines.values()) {
      if (!this.#covered(p.signal)) continue;
      p.receivers.forEach((r, i) => {
        if (!this.#config.receivers.has(r)) return; // a connector: reached from upstream
        const step: Step = { label: r, path: ['service', PIPELINES, p.id, 'receivers', i], componentId: r, kind: 'receiver' };
        this.#walk(p, { how: 'receiver', step }, [step], [], false);
      });
    }
    for (const { diag, paths } of this.#found.values()) {
      if (paths > 1) diag.message += ` (${paths - 1} more path(s) open at the same step)`;
      this.#out.push(diag);
    }
  }

  #covered(signal: Signal): boolean {
    return coversSignal(this.#policy, signal) && this.#classify.keysNotFor(signal).length === 0;
  }

  /** Follows every path through pipeline `p` (entered by `entry`); `steps` so far, ending at the entry. */
  #walk(p: PipelineConfig, entry: Entry, before: Step[], segsBefore: Segment[], scrubbedBefore: boolean): void {
    // Connectors form no cycle in a valid config; this guard only keeps a bad one finite.
    if (segsBefore.some((s) => s.pipeline.id === p.id)) return;
    const segs = [...segsBefore, { pipeline: p, entry }];
    const steps = [...before];
    let scrubbed = scrubbedBefore;
    p.processors.forEach((id, i) => {
      steps.push({ label: id, path: ['service', PIPELINES, p.id, 'processors', i], componentId: id, kind: 'processor' });
      if (this.#scrubbers.has(id)) scrubbed = true;
    });
    p.exporters.forEach((id, k) => {
      const isExporter = this.#config.exporters.has(id);
      const step: Step = { label: id, path: ['service', PIPELINES, p.id, 'exporters', k], componentId: id, kind: isExporter ? 'exporter' : 'connector' };
      const path = [...steps, step];
      if (isExporter) {
        this.#check(id, step, path, segs, scrubbed);
        return;
      }
      const conn = this.#config.connectors.get(id);
      if (!conn) return;
      const fed = [...this.#config.service.pipelines.values()].filter((q) => q.receivers.includes(id) && this.#covered(q.signal));
      if (conn.factory.type !== 'routing') {
        for (const q of fed) this.#walk(q, { how: 'connector', step, connector: id }, path, segs, scrubbed);
        return;
      }
      const cfg = conn.config as RoutingTable;
      const facts = this.#router(id, cfg, p.signal);
      const pipelines = this.#config.service.pipelines;
      cfg.table.forEach((route, i) => {
        if (!facts.routeCarries[i]) return;
        const at: Step = { label: id, path: ['connectors', id, 'table', i], componentId: id, kind: 'connector' };
        for (const q of route.pipelines) {
          const target = pipelines.get(q);
          if (target && fed.includes(target)) this.#walk(target, { how: 'route', step: at, connector: id, route: i }, path, segs, scrubbed);
        }
      });
      if (!facts.defaultCarries) return;
      cfg.default_pipelines.forEach((q, j) => {
        const target = pipelines.get(q);
        const at: Step = { label: id, path: ['connectors', id, 'default_pipelines', j], componentId: id, kind: 'connector' };
        if (target && fed.includes(target)) this.#walk(target, { how: 'default', step: at, connector: id }, path, segs, scrubbed);
      });
    });
  }

  /** Which routes of a routing connector can carry security records (decided once per id and signal). */
  #router(id: string, cfg: RoutingTable, signal: Signal): RouterFacts {
    const key = `${id}@${signal}`;
    let facts = this.#routers.get(key);
    if (facts) return facts;
    const conds = cfg.table.map((r) => compileCondition(r.match));
    const cls = this.#classify;
    facts = {
      // With match_once, a route sees only what no earlier route took: when earlier routes
      // cover the classification, no security record is left for it.
      routeCarries: conds.map((c, i) => canOverlap(c, cls, signal) && !(cfg.match_once && covers(conds.slice(0, i), cls, signal))),
      defaultCarries: !covers(conds, cls, signal),
    };
    this.#routers.set(key, facts);
    return facts;
  }

  /** A path that can carry security records reached exporter `id`. */
  #check(id: string, step: Step, path: Step[], segs: Segment[], scrubbed: boolean): void {
    if (!this.#sinks.has(id)) {
      this.#report('SEC_LEAK', id, leakBlame(segs, step, this.#isSecurityFlow), path, segs);
    } else if (this.#scrubbers.size > 0 && !scrubbed) {
      this.#report('SEC_UNSCRUBBED', id, unscrubbedBlame(segs, step), path, segs);
    }
  }

  /** A pipeline that is part of the security flow: it scrubs, or it exports to a sink. */
  readonly #isSecurityFlow = (p: PipelineConfig): boolean => p.processors.some((x) => this.#scrubbers.has(x)) || p.exporters.some((x) => this.#sinks.has(x));

  #report(code: 'SEC_LEAK' | 'SEC_UNSCRUBBED', exporter: string, blame: Blame, path: Step[], segs: Segment[]): void {
    const key = `${code} ${formatPath(blame.step.path)} ${exporter}`;
    const seen = this.#found.get(key);
    if (seen) {
      seen.paths++;
      return;
    }
    const route = `${path.map((s) => s.label).join(' → ')} (pipelines ${segs.map((s) => s.pipeline.id).join(' → ')})`;
    const message =
      code === 'SEC_LEAK'
        ? `security records can reach exporter "${exporter}", which is not in service.security.sinks: ${route}. ${this.#leakHint(exporter, blame)}`
        : `security records can reach sink "${exporter}" without passing a scrubber (${this.#policy.scrubbers.join(', ')}): ${route}. ${this.#unscrubbedHint(blame)}`;
    this.#found.set(key, {
      paths: 1,
      diag: {
        severity: 'error',
        code,
        message,
        path: formatPath(blame.step.path),
        pos: this.#config.positionOf(blame.step.path),
        componentId: blame.step.componentId,
        kind: blame.step.kind,
      },
    });
  }

  #leakHint(exporter: string, b: Blame): string {
    const classify = JSON.stringify(this.#policy.classify);
    switch (b.why) {
      case 'security-pipeline':
        return `Pipeline "${b.pipeline}" carries security records: remove ${exporter} from its exporters, or list it under service.security.sinks if it may hold them`;
      case 'ingest':
        return `Pipeline "${b.pipeline}" hands every record, security records included, to ${exporter}: export through a routing connector that sends the security records to their own pipeline (its default route can feed ${exporter})`;
      case 'route':
        return `Route table[${b.route}] of ${b.connector} can match security records (service.security.classify ${classify}) and no route before it takes them all: narrow its match, or add a route for the classification before it`;
      case 'default':
        return `The default route of ${b.connector} can carry security records: its routes do not provably take every record service.security.classify ${classify} matches. Add a route with that match (scope-name prefixes or names) before the others`;
      default:
        return `Connector ${b.connector} passes every record on, security records included: route them before it, or feed it from a pipeline that carries none`;
    }
  }

  #unscrubbedHint(b: Blame): string {
    if (b.why === 'connector') return `Connector ${b.connector} carries them to the sink around the scrubbers: feed the sink only through a pipeline that scrubs`;
    return `Add one of ${this.#policy.scrubbers.join(', ')} to the processors of pipeline "${b.pipeline}"`;
  }
}

interface Blame {
  step: Step;
  why: 'security-pipeline' | 'ingest' | 'route' | 'default' | 'connector' | 'sink';
  pipeline: string;
  connector?: string;
  route?: number;
}

/**
 * The step that opened a leak: the exporter entry when it sits in a pipeline of the security
 * flow or in the pipeline records came in by (fan-out beside the router); otherwise, walking
 * back, the routing decision or connector that let security records into pipelines outside
 * the security flow.
 */
function leakBlame(segs: Segment[], exporterStep: Step, isSecurityFlow: (p: PipelineConfig) => boolean): Blame {
  const n = segs.length - 1;
  const last = segs[n].pipeline.id;
  if (n === 0) return { step: exporterStep, why: 'ingest', pipeline: last };
  if (isSecurityFlow(segs[n].pipeline)) return { step: exporterStep, why: 'security-pipeline', pipeline: last };
  for (let k = n; k >= 1; k--) {
    const e = segs[k].entry;
    if (e.how === 'route' || e.how === 'default') return { step: e.step, why: e.how, pipeline: segs[k].pipeline.id, connector: e.connector, route: e.route };
    if (k - 1 === 0 || isSecurityFlow(segs[k - 1].pipeline)) return { step: e.step, why: 'connector', pipeline: segs[k - 1].pipeline.id, connector: e.connector };
  }
  return { step: exporterStep, why: 'ingest', pipeline: last };
}

/** The step that let security records reach a sink unscrubbed: a bypassing connector, or the sink's own entry. */
function unscrubbedBlame(segs: Segment[], exporterStep: Step): Blame {
  const n = segs.length - 1;
  const e = segs[n].entry;
  if (n > 0 && e.how === 'connector') return { step: e.step, why: 'connector', pipeline: segs[n - 1].pipeline.id, connector: e.connector };
  return { step: exporterStep, why: 'sink', pipeline: segs[n].pipeline.id };
}

// Compiled conditions on telemetry (see config.ts for the YAML keys and README.md for the
// semantics). A condition is compiled once, when its component is built: regexes are built
// here, lists become arrays, configured values get their typed forms. Matching then walks
// OTLP's hierarchy: matchResource once per resource, matchScope once per scope, and the
// record-level test per span / log record / metric (and data point). Nothing is allocated
// per record except for the rare regex on a non-string attribute value.
import type { InstrumentationScope, KeyValue, LogRecord, Metric, Resource, Signal, Span } from '../pdata/types.ts';
import { SEVERITY_NUMBERS, SPAN_KIND_NAMES, type AttributeMatch, type ConditionConfig, type SeverityName } from './config.ts';
import { normaliseName } from './normalise.ts';
import { anyValueToString, expectedValue, findAttribute, valueEquals, type ExpectedValue } from './value.ts';

export { conditionSchema, type ConditionConfig } from './config.ts';

/** Scope-name constraints as written: each non-empty list is an any-of, and all of them must hold. */
export interface ScopeNameFacts {
  exact: string[];
  /** Logger-hierarchy prefixes: the name equals one or continues it after a "." (a prefix ending in "." is plain). */
  prefix: string[];
  /** Regex sources, unanchored. */
  regex: string[];
  /** exact and prefix compare normalised names (normaliseName); both sides are normalised here. */
  normalized: boolean;
}

export interface Condition {
  /** Which levels it inspects; a level it does not inspect always matches. */
  readonly levels: { resource: boolean; scope: boolean; record: boolean };
  /** True when it has a resource-level key (service_name*, resource_attributes) that matches, or none. */
  matchResource(resource: Resource): boolean;
  /** True when it has no scope-level key, or they match. */
  matchScope(scope: InstrumentationScope): boolean;
  /** Span-level keys (span_name*, span_kind, attributes). False when it has log- or metric-only keys. */
  matchSpan(span: Span): boolean;
  /** Log-level keys (severity*, body_regex, attributes). False when it has span- or metric-only keys. */
  matchLog(rec: LogRecord): boolean;
  /** Metric name keys. False when it has span- or log-only keys. `attributes` are checked per data point. */
  matchMetric(metric: Metric): boolean;
  /** The `attributes` key against a metric data point's attributes (true when there is none). */
  matchDataPointAttributes(attrs: readonly KeyValue[]): boolean;
  /** Record-level keys that can never hold for this signal (e.g. span_name for logs): a component should refuse them. */
  keysNotFor(signal: Signal): string[];
  /** Static facts for the security analysis: the scope-name constraint, undefined when it has none. */
  readonly scopeNames?: ScopeNameFacts;
}

/** Name tests of one field: each present list is an any-of; all present lists must hold. */
interface NameSpec {
  exact: readonly string[] | undefined;
  /** Plain prefixes. */
  prefix: readonly string[] | undefined;
  /** Hierarchical prefixes as pairs [name, name + "."]. */
  tree: ReadonlyArray<readonly [string, string]> | undefined;
  regex: readonly RegExp[] | undefined;
}

const ATTR_EXISTS = 0;
const ATTR_ABSENT = 1;
const ATTR_EQUALS = 2;
const ATTR_REGEX = 3;

interface AttrTest {
  key: string;
  kind: number;
  values: readonly ExpectedValue[];
  regex: RegExp | undefined;
}

/** Distinct scope names whose normalised form is remembered per condition. */
const NORM_CACHE_MAX = 1024;

const TRACE_KEYS = ['span_name', 'span_name_prefix', 'span_name_regex', 'span_kind'] as const;
const LOG_KEYS = ['severity_number_min', 'severity_text', 'body_regex'] as const;
const METRIC_KEYS = ['metric_name', 'metric_name_prefix', 'metric_name_regex'] as const;

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

function nameSpec(
  exact: string | string[] | undefined,
  prefix: string | string[] | undefined,
  regex: string | string[] | undefined,
  tree: boolean,
  norm?: (s: string) => string,
): NameSpec | undefined {
  if (exact === undefined && prefix === undefined && regex === undefined) return undefined;
  const prefixes = norm ? list(prefix)?.map(norm) : list(prefix);
  return {
    exact: norm ? list(exact)?.map(norm) : list(exact),
    prefix: tree ? prefixes?.filter((p) => p.endsWith('.')) : prefixes,
    tree: tree ? prefixes?.filter((p) => !p.endsWith('.')).map((p) => [p, `${p}.`] as const) : undefined,
    regex: list(regex)?.map((r) => new RegExp(r)),
  };
}

function matchName(spec: NameSpec, name: string | undefined): boolean {
  if (name === undefined) return false;
  if (spec.exact !== undefined && !spec.exact.includes(name)) return false;
  if ((spec.prefix !== undefined && spec.prefix.length > 0) || (spec.tree !== undefined && spec.tree.length > 0)) {
    let ok = false;
    if (spec.prefix !== undefined) for (let i = 0; i < spec.prefix.length && !ok; i++) ok = name.startsWith(spec.prefix[i]);
    if (spec.tree !== undefined) {
      for (let i = 0; i < spec.tree.length && !ok; i++) ok = name === spec.tree[i][0] || name.startsWith(spec.tree[i][1]);
    }
    if (!ok) return false;
  }
  if (spec.regex !== undefined) {
    let ok = false;
    for (let i = 0; i < spec.regex.length && !ok; i++) ok = spec.regex[i].test(name);
    if (!ok) return false;
  }
  return true;
}

function attrTests(cfg: Record<string, AttributeMatch> | undefined): AttrTest[] | undefined {
  if (cfg === undefined) return undefined;
  const tests: AttrTest[] = [];
  for (const [key, m] of Object.entries(cfg)) {
    if (typeof m === 'object' && !Array.isArray(m)) {
      if ('regex' in m) tests.push({ key, kind: ATTR_REGEX, values: [], regex: new RegExp(m.regex) });
      else tests.push({ key, kind: m.exists ? ATTR_EXISTS : ATTR_ABSENT, values: [], regex: undefined });
    } else {
      tests.push({ key, kind: ATTR_EQUALS, values: (Array.isArray(m) ? m : [m]).map(expectedValue), regex: undefined });
    }
  }
  return tests.length > 0 ? tests : undefined;
}

/** True when every test holds on these attributes. */
function matchAttributes(tests: readonly AttrTest[], attrs: readonly KeyValue[]): boolean {
  for (let t = 0; t < tests.length; t++) {
    const test = tests[t];
    const v = findAttribute(attrs, test.key);
    switch (test.kind) {
      case ATTR_EXISTS:
        if (v === undefined) return false;
        break;
      case ATTR_ABSENT:
        if (v !== undefined) return false;
        break;
      case ATTR_EQUALS: {
        if (v === undefined) return false;
        let ok = false;
        for (let i = 0; i < test.values.length && !ok; i++) ok = valueEquals(v, test.values[i]);
        if (!ok) return false;
        break;
      }
      default:
        if (v === undefined) return false;
        if (!test.regex!.test(v.stringValue !== undefined ? v.stringValue : anyValueToString(v))) return false;
    }
  }
  return true;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class CompiledCondition implements Condition {
  readonly levels: { resource: boolean; scope: boolean; record: boolean };
  readonly scopeNames?: ScopeNameFacts;
  readonly #keys: ReadonlySet<string>;
  readonly #service: NameSpec | undefined;
  readonly #resourceAttrs: AttrTest[] | undefined;
  readonly #scope: NameSpec | undefined;
  readonly #scopeRegex: readonly RegExp[] | undefined;
  readonly #normalized: boolean;
  /** Scope names seen and their normalised forms (scope names are a small vocabulary; bounded). */
  readonly #normCache = new Map<string, string>();
  readonly #attrs: AttrTest[] | undefined;
  readonly #span: NameSpec | undefined;
  readonly #spanKinds: readonly number[] | undefined;
  readonly #metric: NameSpec | undefined;
  readonly #severityMin: number;
  readonly #severityText: RegExp | undefined;
  readonly #body: readonly RegExp[] | undefined;
  readonly #spanPossible: boolean;
  readonly #logPossible: boolean;
  readonly #metricPossible: boolean;

  constructor(cfg: ConditionConfig) {
    this.#keys = new Set(Object.keys(cfg).filter((k) => cfg[k as keyof ConditionConfig] !== undefined));
    this.#service = nameSpec(cfg.service_name, cfg.service_name_prefix, cfg.service_name_regex, false);
    this.#resourceAttrs = attrTests(cfg.resource_attributes);
    this.#normalized = cfg.scope_name_match !== 'exact';
    this.#scope = nameSpec(cfg.scope_name, cfg.scope_name_prefix, undefined, true, this.#normalized ? normaliseName : undefined);
    this.#scopeRegex = list(cfg.scope_name_regex)?.map((r) => new RegExp(r));
    this.#attrs = attrTests(cfg.attributes);
    this.#span = nameSpec(cfg.span_name, cfg.span_name_prefix, cfg.span_name_regex, false);
    this.#spanKinds = list(cfg.span_kind)?.map((k) => SPAN_KIND_NAMES.indexOf(k));
    this.#metric = nameSpec(cfg.metric_name, cfg.metric_name_prefix, cfg.metric_name_regex, false);
    const sev = cfg.severity_number_min;
    this.#severityMin = sev === undefined ? 0 : typeof sev === 'number' ? sev : SEVERITY_NUMBERS[sev.toUpperCase() as SeverityName];
    const texts = list(cfg.severity_text);
    this.#severityText = texts && new RegExp(`^(?:${texts.map(escapeRegex).join('|')})$`, 'i');
    this.#body = list(cfg.body_regex)?.map((r) => new RegExp(r));

    const has = (keys: readonly string[]) => keys.some((k) => this.#keys.has(k));
    this.#spanPossible = !has(LOG_KEYS) && !has(METRIC_KEYS);
    this.#logPossible = !has(TRACE_KEYS) && !has(METRIC_KEYS);
    this.#metricPossible = !has(TRACE_KEYS) && !has(LOG_KEYS);
    this.levels = {
      resource: this.#service !== undefined || this.#resourceAttrs !== undefined,
      scope: this.#scope !== undefined || this.#scopeRegex !== undefined,
      record: this.#attrs !== undefined || has(TRACE_KEYS) || has(LOG_KEYS) || has(METRIC_KEYS),
    };
    if (this.#scope !== undefined || this.#scopeRegex !== undefined) {
      const n = this.#normalized ? normaliseName : (x: string) => x;
      this.scopeNames = { exact: (list(cfg.scope_name) ?? []).map(n), prefix: (list(cfg.scope_name_prefix) ?? []).map(n), regex: list(cfg.scope_name_regex) ?? [], normalized: this.#normalized };
    }
  }

  matchResource(resource: Resource): boolean {
    if (this.#service !== undefined) {
      const v = findAttribute(resource.attributes, 'service.name');
      if (!matchName(this.#service, v === undefined ? undefined : v.stringValue !== undefined ? v.stringValue : anyValueToString(v))) return false;
    }
    return this.#resourceAttrs === undefined || matchAttributes(this.#resourceAttrs, resource.attributes);
  }

  matchScope(scope: InstrumentationScope): boolean {
    if (this.#scope !== undefined && !matchName(this.#scope, this.#normalized ? this.#norm(scope.name) : scope.name)) return false;
    if (this.#scopeRegex !== undefined) {
      let ok = false;
      for (let i = 0; i < this.#scopeRegex.length && !ok; i++) ok = this.#scopeRegex[i].test(scope.name);
      if (!ok) return false;
    }
    return true;
  }

  #norm(name: string): string {
    let n = this.#normCache.get(name);
    if (n === undefined) {
      if (this.#normCache.size >= NORM_CACHE_MAX) this.#normCache.clear();
      this.#normCache.set(name, (n = normaliseName(name)));
    }
    return n;
  }

  matchSpan(span: Span): boolean {
    if (!this.#spanPossible) return false;
    if (this.#span !== undefined && !matchName(this.#span, span.name)) return false;
    if (this.#spanKinds !== undefined && !this.#spanKinds.includes(span.kind)) return false;
    return this.#attrs === undefined || matchAttributes(this.#attrs, span.attributes);
  }

  matchLog(rec: LogRecord): boolean {
    if (!this.#logPossible) return false;
    if (rec.severityNumber < this.#severityMin) return false;
    if (this.#severityText !== undefined && !this.#severityText.test(rec.severityText)) return false;
    if (this.#body !== undefined) {
      const body = rec.body?.stringValue;
      if (body === undefined) return false;
      let ok = false;
      for (let i = 0; i < this.#body.length && !ok; i++) ok = this.#body[i].test(body);
      if (!ok) return false;
    }
    return this.#attrs === undefined || matchAttributes(this.#attrs, rec.attributes);
  }

  matchMetric(metric: Metric): boolean {
    if (!this.#metricPossible) return false;
    return this.#metric === undefined || matchName(this.#metric, metric.name);
  }

  matchDataPointAttributes(attrs: readonly KeyValue[]): boolean {
    return this.#attrs === undefined || matchAttributes(this.#attrs, attrs);
  }

  keysNotFor(signal: Signal): string[] {
    const foreign = signal === 'traces' ? [...LOG_KEYS, ...METRIC_KEYS] : signal === 'logs' ? [...TRACE_KEYS, ...METRIC_KEYS] : [...TRACE_KEYS, ...LOG_KEYS];
    return foreign.filter((k) => this.#keys.has(k));
  }
}

/** Compiles a parsed condition (regexes are built here, once). */
export function compileCondition(cfg: ConditionConfig): Condition {
  return new CompiledCondition(cfg);
}

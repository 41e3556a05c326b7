// OpenTelemetry metric and attribute names to Prometheus names, as the OpenTelemetry
// specification's "Prometheus and OpenMetrics compatibility" says: characters Prometheus does
// not allow become "_", the unit becomes a suffix in words (`s` -> `_seconds`, `By` ->
// `_bytes`, `By/s` -> `_bytes_per_second`, `{packet}` -> nothing, `1` -> `_ratio` on gauges and
// nothing otherwise), monotonic sums end in `_total` exactly once, and `namespace` is a prefix.
// Results are cached: names repeat on every export, so the work is done once per name.

/** How metric names are translated; the values are the OpenTelemetry Collector's. */
export type TranslationStrategy = 'UnderscoreEscapingWithSuffixes' | 'UnderscoreEscapingWithoutSuffixes' | 'NoUTF8EscapingWithSuffixes' | 'NoTranslation';

/** What the data point is, for the suffix rules (`_total`, `_ratio`). */
export type NameKind = 'counter' | 'gauge' | 'other';

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};
// After a "/", the unit is a rate: singular words, and `m` is a minute (as in the spec).
const PER_UNIT_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

const ANNOTATION_RE = /\{[^}]*\}/g;
const NON_NAME_RE = /[^a-zA-Z0-9]+/;
const INVALID_LABEL_CHAR_RE = /[^a-zA-Z0-9_]/g;
const LEGACY_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const CACHE_LIMIT = 10_000;

/** The unit in words for a name suffix and OpenMetrics `# UNIT`; "" when there is none. */
export function unitWords(unit: string, kind: NameKind): string {
  const u = unit.replace(ANNOTATION_RE, '').trim();
  if (u === '') return '';
  if (u === '1') return kind === 'gauge' ? 'ratio' : '';
  const slash = u.indexOf('/');
  if (slash < 0) return words(UNIT_WORDS[u] ?? u);
  const main = u.slice(0, slash);
  const per = u.slice(slash + 1);
  const mainWords = main === '' || main === '1' ? '' : words(UNIT_WORDS[main] ?? main);
  const perWords = per === '' ? '' : words(PER_UNIT_WORDS[per] ?? UNIT_WORDS[per] ?? per);
  if (perWords === '') return mainWords;
  return mainWords === '' ? `per_${perWords}` : `${mainWords}_per_${perWords}`;
}

function words(text: string): string {
  return text.split(NON_NAME_RE).filter(Boolean).join('_');
}

/** Translates metric and label names for one exporter; caches what it computed. */
export class Namer {
  readonly #namespace: string;
  readonly #escape: boolean;
  readonly #suffixes: boolean;
  readonly #metricCache = new Map<string, string>();
  readonly #labelCache = new Map<string, string>();

  constructor(namespace: string, strategy: TranslationStrategy) {
    this.#namespace = namespace;
    this.#escape = strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'UnderscoreEscapingWithoutSuffixes';
    this.#suffixes = strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'NoUTF8EscapingWithSuffixes';
  }

  /** True when names may need the quoted UTF-8 form of the exposition format. */
  get utf8(): boolean {
    return !this.#escape;
  }

  /** The Prometheus family name (for counters, the sample name with `_total`). */
  metric(name: string, unit: string, kind: NameKind): string {
    const key = `${name}\u0000${unit}\u0000${kind}`;
    let out = this.#metricCache.get(key);
    if (out === undefined) {
      out = this.#translate(name, unit, kind);
      if (this.#metricCache.size >= CACHE_LIMIT) this.#metricCache.clear();
      this.#metricCache.set(key, out);
    }
    return out;
  }

  #translate(name: string, unit: string, kind: NameKind): string {
    let tokens: string[];
    if (this.#escape) tokens = name.split(NON_NAME_RE).filter(Boolean);
    else tokens = [name];
    if (this.#suffixes) {
      if (kind === 'counter') {
        // `_total` goes last, once: drop it where the sender put it, add it after the unit.
        if (this.#escape) tokens = tokens.filter((t) => t !== 'total');
        else if (tokens[0].endsWith('_total')) tokens[0] = tokens[0].slice(0, -6);
      }
      const u = unitWords(unit, kind);
      if (u !== '') {
        const flat = tokens.join('_');
        // No suffix when the name already says it (`http.duration_seconds` in `s`).
        if (!`_${flat}_`.includes(`_${u}_`)) tokens.push(u);
      }
      if (kind === 'counter') tokens.push('total');
    }
    let out = tokens.join('_');
    if (this.#namespace !== '') out = `${this.#namespace}_${out}`;
    if (this.#escape && out !== '' && out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57) out = `_${out}`;
    return out === '' ? '_' : out;
  }

  /** The Prometheus label name for an attribute key; "" for an empty key (skipped). */
  label(key: string): string {
    let out = this.#labelCache.get(key);
    if (out === undefined) {
      out = this.#escape ? sanitizeLabel(key) : key;
      if (this.#labelCache.size >= CACHE_LIMIT) this.#labelCache.clear();
      this.#labelCache.set(key, out);
    }
    return out;
  }
}

/** `service.name` -> `service_name`; a leading digit gets `key_`, a reserved `__` gets `key`. */
export function sanitizeLabel(key: string): string {
  if (key === '') return '';
  let out = key.replace(INVALID_LABEL_CHAR_RE, '_');
  const c = out.charCodeAt(0);
  if (c >= 48 && c <= 57) out = `key_${out}`;
  else if (out.startsWith('__')) out = `key${out}`;
  return out;
}

/** A metric name as written in the exposition: quoted when it is not a legacy name. */
export function isLegacyMetricName(name: string): boolean {
  return LEGACY_NAME_RE.test(name);
}

export function isLegacyLabelName(name: string): boolean {
  return LEGACY_LABEL_RE.test(name);
}

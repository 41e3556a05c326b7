import { isLegacyMetricName } from './naming.ts';
import { escapeLabelValue } from './labels.ts';
import type { Exemplar, Family, Series, SeriesStore } from './store.ts';

// The two exposition formats Prometheus scrapes: the text format 0.0.4 and OpenMetrics 1.0.
// They differ in little: OpenMetrics names a counter family without `_total`, has `# UNIT`,
// exemplars, timestamps in seconds and a closing `# EOF`. Label sets are stored rendered, so
// this is string concatenation over the store.

export type Format = 'text' | 'openmetrics';

export const CONTENT_TYPE: Record<Format, string> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

const HELP_TEXT_RE = /[\\\n]/g;
const HELP_OM_RE = /[\\\n"]/g;
const HELP_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '"': '\\"' };

/** A sample value as both formats write it. */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/** OpenMetrics when the Accept header prefers it over the text format (by q value), else text. */
export function negotiate(accept: string | undefined): Format {
  if (accept === undefined) return 'text';
  let om = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const params = part.split(';');
    const type = params[0].trim().toLowerCase();
    let q = 1;
    for (let i = 1; i < params.length; i++) {
      const [k, v] = params[i].split('=');
      if (k.trim() === 'q') q = Number(v);
    }
    if (!(q > 0)) continue;
    if (type === 'application/openmetrics-text') om = Math.max(om, q);
    else if (type === 'text/plain' || type === '*/*' || type === 'text/*') text = Math.max(text, q);
  }
  return om > 0 && om >= text ? 'openmetrics' : 'text';
}

export interface RenderOptions {
  format: Format;
  timestamps: boolean;
}

export function render(store: SeriesStore, opts: RenderOptions): string {
  const om = opts.format === 'openmetrics';
  let out = '';
  for (const f of store.families.values()) {
    if (f.series.size === 0) continue;
    out += family(f, om, opts.timestamps);
  }
  return om ? `${out}# EOF\n` : out;
}

function family(f: Family, om: boolean, ts: boolean): string {
  const legacy = isLegacyMetricName(f.name);
  let type: string = f.kind === 'exphistogram' ? 'histogram' : f.kind;
  // OpenMetrics: a counter family is named without `_total`, its samples with it.
  let familyName = f.name;
  if (om && f.kind === 'counter') {
    if (f.name.endsWith('_total')) familyName = f.name.slice(0, -6);
    else type = 'unknown';
  }
  const shown = legacy ? familyName : `"${escapeLabelValue(familyName)}"`;
  let out = '';
  if (f.help !== '') out += `# HELP ${shown} ${f.help.replace(om ? HELP_OM_RE : HELP_TEXT_RE, (c) => HELP_ESCAPES[c])}\n`;
  out += `# TYPE ${shown} ${type}\n`;
  if (om && f.unit !== '' && familyName.endsWith(`_${f.unit}`)) out += `# UNIT ${shown} ${f.unit}\n`;
  const name = f.name;
  switch (f.kind) {
    case 'counter':
    case 'gauge':
      for (const s of f.series.values()) {
        out += `${sample(name, '', s.labels, '', legacy)} ${formatValue(s.value)}${stamp(s, om, ts)}`;
        out += om && s.exemplar !== undefined ? `${exemplarText(s.exemplar)}\n` : '\n';
      }
      return out;
    case 'histogram':
    case 'exphistogram':
      for (const s of f.series.values()) out += histogram(name, s, legacy, om, ts);
      return out;
    case 'summary':
      for (const s of f.series.values()) {
        const t = stamp(s, om, ts);
        for (let i = 0; i < s.quantiles.length; i++) {
          out += `${sample(name, '', s.labels, `quantile="${formatValue(s.quantiles[i])}"`, legacy)} ${formatValue(s.quantileValues[i])}${t}\n`;
        }
        out += `${sample(name, '_sum', s.labels, '', legacy)} ${formatValue(s.sum)}${t}\n`;
        out += `${sample(name, '_count', s.labels, '', legacy)} ${formatValue(s.count)}${t}\n`;
      }
      return out;
  }
}

function histogram(name: string, s: Series, legacy: boolean, om: boolean, ts: boolean): string {
  const t = stamp(s, om, ts);
  let bounds = s.bounds;
  let counts = s.counts;
  if (s.exp !== undefined) ({ bounds, counts } = s.exp.classic());
  let out = '';
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += counts[i];
    out += `${sample(name, '_bucket', s.labels, `le="${formatValue(bounds[i])}"`, legacy)} ${cumulative}${t}`;
    const ex = om && s.bucketExemplars !== undefined ? s.bucketExemplars[i] : undefined;
    out += ex !== undefined ? `${exemplarText(ex)}\n` : '\n';
  }
  // +Inf is the total count, whatever the buckets held (exponential: the points it had).
  out += `${sample(name, '_bucket', s.labels, 'le="+Inf"', legacy)} ${s.count}${t}`;
  const inf = om && s.bucketExemplars !== undefined ? s.bucketExemplars[bounds.length] : undefined;
  out += inf !== undefined ? `${exemplarText(inf)}\n` : '\n';
  if (!Number.isNaN(s.sum)) out += `${sample(name, '_sum', s.labels, '', legacy)} ${formatValue(s.sum)}${t}\n`;
  out += `${sample(name, '_count', s.labels, '', legacy)} ${s.count}${t}\n`;
  return out;
}

/** `name_suffix{labels,extra}`, or `{"name_suffix",labels}` for a name Prometheus 2 cannot read. */
function sample(name: string, suffix: string, labels: string, extra: string, legacy: boolean): string {
  const l = labels === '' ? extra : extra === '' ? labels : `${labels},${extra}`;
  if (legacy) return l === '' ? name + suffix : `${name}${suffix}{${l}}`;
  const quoted = `"${escapeLabelValue(name + suffix)}"`;
  return l === '' ? `{${quoted}}` : `{${quoted},${l}}`;
}

function stamp(s: Series, om: boolean, ts: boolean): string {
  if (!ts || s.lastNs === 0n) return '';
  const ms = s.lastNs / 1_000_000n;
  return om ? ` ${seconds(ms)}` : ` ${ms}`;
}

function seconds(ms: bigint): string {
  const frac = ms % 1000n;
  return frac === 0n ? `${ms / 1000n}` : `${ms / 1000n}.${frac.toString().padStart(3, '0')}`;
}

function exemplarText(e: Exemplar): string {
  const t = e.timeNs > 0n ? ` ${seconds(e.timeNs / 1_000_000n)}` : '';
  return ` # {${e.labels}} ${formatValue(e.value)}${t}`;
}

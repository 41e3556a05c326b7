// A small reader of the exposition formats, for assertions on what a scrape holds.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  exemplar: string | undefined;
}

const LINE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})? (\S+)(?: (\d+(?:\.\d+)?))?(?: # (.*))?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): { samples: Sample[]; meta: string[] } {
  const samples: Sample[] = [];
  const meta: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      meta.push(line);
      continue;
    }
    const m = LINE_RE.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL_RE)) labels[l[1]] = l[2];
    const v = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    samples.push({ name: m[1], labels, value: v, exemplar: m[5] });
  }
  return { samples, meta };
}

/** Samples of one name whose labels include `match`. */
export function find(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

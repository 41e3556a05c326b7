// Figures per run, and the table of ratios (ours ÷ otelcol) the harness prints.
import type { Daemon, Scenario } from './scenarios.ts';

export interface RunResult {
  scenario: number;
  daemon: Daemon;
  rep: number;
  /** Items delivered (sink count, or the daemon's exporter-sent counters). */
  items: number;
  /** From the start of the load to the last delivery. */
  seconds: number;
  /** utime + stime of the daemon's process tree during the load and the drain. */
  cpuSeconds: number;
  peakRssMiB: number;
  latenciesMs: number[];
  probesSent: number;
}

export interface Figures {
  throughput: number[];
  cpuPerM: number[];
  rss: number[];
  p99?: number;
  probes: number;
}
export type Summary = Map<number, Record<Daemon, Figures>>;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function percentile(xs: number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function summarise(results: RunResult[]): Summary {
  const out: Summary = new Map();
  for (const r of results) {
    const row = out.get(r.scenario) ?? {
      ours: { throughput: [], cpuPerM: [], rss: [], probes: 0 },
      otelcol: { throughput: [], cpuPerM: [], rss: [], probes: 0 },
    };
    const f = row[r.daemon];
    f.throughput.push(r.items / r.seconds);
    f.cpuPerM.push(r.items > 0 ? (r.cpuSeconds / r.items) * 1e6 : NaN);
    f.rss.push(r.peakRssMiB);
    out.set(r.scenario, row);
  }
  for (const [id, row] of out) {
    for (const d of ['ours', 'otelcol'] as const) {
      const lat = results.filter((r) => r.scenario === id && r.daemon === d).flatMap((r) => r.latenciesMs);
      row[d].p99 = percentile(lat, 99);
      row[d].probes = lat.length;
    }
  }
  return out;
}

const fmt = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
const range = (xs: number[], digits = 1): string => (xs.length < 2 ? fmt(median(xs), digits) : `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`);
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || !(b > 0) ? 'n/a' : `${(a / b).toFixed(2)}×`);

/** Markdown: one row per scenario; each cell "ours · otelcol · ratio"; medians over the runs, (min–max). */
export function table(sum: Summary, scenarios: Scenario[]): string {
  const lines = [
    '| scenario | CPU s per 1M items: ours · otelcol · **ratio** | items/s delivered: ours · otelcol · ratio | peak RSS MiB: ours · otelcol · ratio | p99 added latency ms: ours · otelcol · ratio |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const s of scenarios) {
    const row = sum.get(s.id);
    if (!row) continue;
    const { ours: a, otelcol: b } = row;
    lines.push(
      `| ${s.id}. ${s.name} | ${range(a.cpuPerM)} · ${range(b.cpuPerM)} · **${ratio(median(a.cpuPerM), median(b.cpuPerM))}** | ${fmt(median(a.throughput))} · ${fmt(median(b.throughput))} · ${ratio(median(a.throughput), median(b.throughput))} | ${fmt(Math.max(...a.rss), 0)} · ${fmt(Math.max(...b.rss), 0)} · ${ratio(Math.max(...a.rss), Math.max(...b.rss))} | ${s.probe ? `${fmt(a.p99, 0)} · ${fmt(b.p99, 0)} · ${ratio(a.p99, b.p99)}` : 'n/a (file)'} |`,
    );
  }
  return lines.join('\n');
}

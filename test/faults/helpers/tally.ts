// What a fault case reports: of the records the daemon acknowledged, how many reached the
// destination, how many never did (lost), and how many extra copies arrived (duplicated).
import { readFile } from 'node:fs/promises';

export interface Tally {
  acknowledged: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Numbers of some lost records, for the failure message. */
  lostSample: number[];
}

/** Counts how often each number of `<tag>-<n>` appears in the files' text (OTLP JSON lines). */
export async function countInFiles(paths: string[], tag: string, from: number, size: number): Promise<Uint16Array> {
  const counts = new Uint16Array(size);
  const re = new RegExp(`"${tag}-(\\d+)"`, 'g');
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    // A line cut by a kill has no newline: its records were not delivered.
    text = text.slice(0, text.lastIndexOf('\n') + 1);
    for (const m of text.matchAll(re)) {
      const i = Number(m[1]) - from;
      if (i >= 0 && i < size) counts[i]++;
    }
  }
  return counts;
}

export function tally(acked: Uint8Array, issued: number, counts: Uint16Array): Tally {
  const t: Tally = { acknowledged: 0, delivered: 0, lost: 0, duplicated: 0, lostSample: [] };
  for (let i = 0; i < issued; i++) {
    const c = counts[i] ?? 0;
    if (c > 1) t.duplicated += c - 1;
    if (acked[i] !== 1) continue;
    t.acknowledged++;
    if (c > 0) t.delivered++;
    else {
      t.lost++;
      if (t.lostSample.length < 10) t.lostSample.push(i);
    }
  }
  return t;
}

export function formatTally(name: string, t: Tally, extra = ''): string {
  return `[fault] ${name}: acknowledged ${t.acknowledged}, delivered ${t.delivered}, lost ${t.lost}, duplicated ${t.duplicated}${extra ? `; ${extra}` : ''}`;
}

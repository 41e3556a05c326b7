// The figures of a run of the fault matrix, gathered in one JSON file
// ($GENRF_FAULTS_REPORT, default <tmp>/genrf-faults.json) for the README.
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tally } from './tally.ts';
import { LONG } from './daemon.ts';

export const REPORT = process.env.GENRF_FAULTS_REPORT ?? join(tmpdir(), 'genrf-faults.jsonl');

export function record(name: string, t: Tally, extra: Record<string, unknown> = {}): void {
  const { lostSample: _, ...figures } = t;
  appendFileSync(REPORT, `${JSON.stringify({ case: name, long: LONG, ...figures, ...extra, at: new Date().toISOString() })}\n`);
}

// The OTLP/JSON fixtures that go through the daemon unchanged (conformance, chain): the
// official examples and our own edge cases, one request each.
import { resolve } from 'node:path';
import type { Signal } from './otlp.ts';

const OFFICIAL = resolve(import.meta.dirname, '../../../../shared/conformance/otlp');
const EDGE = resolve(import.meta.dirname, '../../fixtures/e2e/otlp');

export const OTLP_CASES: ReadonlyArray<{ dir: string; file: string; signal: Signal }> = [
  { dir: OFFICIAL, file: 'trace.json', signal: 'traces' },
  { dir: OFFICIAL, file: 'metrics.json', signal: 'metrics' },
  { dir: OFFICIAL, file: 'logs.json', signal: 'logs' },
  { dir: OFFICIAL, file: 'events.json', signal: 'logs' },
  { dir: EDGE, file: 'edge-traces.json', signal: 'traces' },
  { dir: EDGE, file: 'edge-metrics.json', signal: 'metrics' },
  { dir: EDGE, file: 'edge-logs.json', signal: 'logs' },
];

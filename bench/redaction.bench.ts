// Redaction throughput, every detector on (text keys and decoding too), per CPU-second of
// this process (so other jobs on a shared machine do not skew it): ~200-byte security-log
// bodies (80% clean with look-alikes, 20% with planted PII), ~1 KB structlog JSON-string
// bodies, and a corpus with no secrets at all; then strings/s for the two scanning
// strategies measured for docs/decisions.md: the prefilter (what the processor uses) and one
// combined regex.
import { cloneData } from '../src/pdata/ops.ts';
import type { LogsData } from '../src/pdata/types.ts';
import { redactionProcessorConfig } from '../src/processors/redaction/config.ts';
import { BUILTIN_DETECTORS, type Range } from '../src/processors/redaction/detectors.ts';
import { RedactionProcessor } from '../src/processors/redaction/processor.ts';
import { Tally } from '../src/processors/redaction/tally.ts';
import { parseComponentId, type ComponentId } from '../src/pipeline/component-id.ts';
import { silentLogger } from '../src/telemetry/logger.ts';
import { SelfMetrics } from '../src/telemetry/metrics.ts';
import { corpusLogs, type CorpusLine } from '../test/fixtures/redaction/corpus.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

const CLEAN = [
  () => `sizing LNA for tsmc65 run ${hex(32)} span ${hex(16)} W=1.2u L=65n at 2026-11-28T09:00:00.123Z took 1532.4ms on genrf-worker-7d9f8b6c5-x2k4p`,
  () => `SPICE convergence retry 3/5 for /var/lib/genrf/netlists/mixer_${Math.floor(rand() * 999)}.sp (2.4GHz, gain 18.5dB) version 1.4.2 commit ${hex(40)}`,
  () => `generation request ${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)} accepted for circuit VCO technology gf22 f0=5e9 queue depth 12 at 09:00:01`,
  () => `completed generation in 312.5s: 48 candidates, best NF 1.21dB, S11 -14.2dB, trace ${hex(32)} (worker genrf-spice-5f7c9d-abcde)`,
];
const DIRTY = [
  () => `login failed for alice.smith@example.com from 203.0.113.${Math.floor(rand() * 250)} trace ${hex(32)} at 2026-11-28T09:00:00Z after 3 attempts`,
  () => `payment step failed: card 4111 1111 1111 1111 declined for user 42 (ref ${hex(16)}) contact +1 415 555 0132 at 2026-11-28T09:00:00Z`,
  () => `webhook retried with Authorization: Bearer abcDEF123456ghiJKL7890xyz; key AKIAIOSFODNN7EXAMPLE from 2001:db8::8a2e:370:7334`,
  () => `config dump: postgres://admin:s3cr3tPass@db.internal:5432/genrf token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 loaded`,
];

const SUFFIX = ' [genrf.security.audit tsmc65 job=lna-sweep]';

/** `n` corpus-shaped lines, ~200 bytes each, 20% of them dirty. */
export function benchLines(n: number): CorpusLine[] {
  return Array.from({ length: n }, (_, id) => ({
    id,
    body: (rand() < 0.2 ? pick(DIRTY) : pick(CLEAN))() + SUFFIX,
    attributes: { 'genrf.circuit_type': pick(['LNA', 'mixer', 'VCO']), 'code.filepath': '/var/lib/genrf/runs/lna_12.sp' },
    planted: [],
    lookalikes: [],
  }));
}

function settings() {
  return { id: parseComponentId('redaction/bench') as ComponentId, logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 };
}

/** CPU seconds this process has used: a per-core figure that other jobs on the machine do not skew. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Records per CPU-second through RedactionProcessor.process on fresh copies, for `seconds`. */
function processorRate(lines: CorpusLine[], seconds: number): number {
  const p = new RedactionProcessor(settings(), redactionProcessorConfig.parse({}), 'logs', { mutates: false, consume: async () => {} }, {});
  const template = corpusLogs(lines);
  const n = lines.length;
  let records = 0;
  let cpu = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const data = cloneData('logs', template) as LogsData; // outside the timed part
    const t0 = cpuSeconds();
    p.process('logs', data);
    cpu += cpuSeconds() - t0;
    records += n;
  }
  return Math.round(records / cpu);
}

/** Strings per CPU-second through one scanning function. */
function stringRate(bodies: string[], scan: (s: string) => unknown, seconds: number): number {
  let count = 0;
  const t0 = cpuSeconds();
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    for (const b of bodies) scan(b);
    count += bodies.length;
  }
  return Math.round(count / (cpuSeconds() - t0));
}

const EVENTS = ['login failed', 'token refreshed', 'generation accepted', 'netlist stored', 'permission denied'];

/**
 * `n` structlog JSONRenderer bodies of ~1 KB (a JSON object rendered into the string body, as
 * genRF's security logger writes them), `dirty` of them with a planted secret.
 */
export function jsonLines(n: number, dirty: number): CorpusLine[] {
  return Array.from({ length: n }, (_, id) => {
    const o: Record<string, unknown> = {
      event: pick(EVENTS),
      logger: 'genrf.security.auth',
      level: 'warning',
      timestamp: '2026-11-28T09:00:00.123456Z',
      run_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      trace_id: hex(32),
      span_id: hex(16),
      circuit: { type: pick(['LNA', 'mixer', 'VCO']), technology: 'tsmc65', W: '1.2u', L: '65n', f0: '2.4GHz', gain_db: 18.5, nf_db: 1.21 },
      netlist: `/var/lib/genrf/netlists/${pick(['lna', 'mixer', 'vco'])}_${Math.floor(rand() * 999)}.sp`,
      commit: hex(40),
      worker: `genrf-worker-${hex(9)}-x2k4p`,
      candidates: Array.from({ length: 6 }, () => ({ id: hex(8), score: Math.round(rand() * 1000) / 10, s11_db: -14.2 })),
      message: 'SPICE convergence retry 3/5 after 1532.4ms; best candidate kept, queue depth 12',
    };
    if (rand() < dirty) o[pick(['password', 'api_key', 'client_secret', 'user_email'])] = pick(['hunter2-Xk9', 'alice.smith@example.com', 'sk_live_abcdefghij0123456789', 'AKIAIOSFODNN7EXAMPLE']);
    return { id, body: JSON.stringify(o), attributes: { 'genrf.circuit_type': 'LNA' }, planted: [], lookalikes: [] };
  });
}

/** `n` ~200-byte bodies with nothing to redact at all. */
export function cleanLines(n: number): CorpusLine[] {
  return Array.from({ length: n }, (_, id) => ({
    id,
    body: pick(CLEAN)() + SUFFIX,
    attributes: { 'genrf.circuit_type': pick(['LNA', 'mixer', 'VCO']), 'code.filepath': '/var/lib/genrf/runs/lna_12.sp' },
    planted: [],
    lookalikes: [],
  }));
}

/** The alternative strategy: every built-in detector in one alternation, scanned once. */
function combinedScanner(): (s: string) => number {
  const groups: Array<{ at: number; width: number; d: (typeof BUILTIN_DETECTORS)[number] }> = [];
  let at = 1;
  const parts: string[] = [];
  for (const d of BUILTIN_DETECTORS) {
    const width = new RegExp(`${d.regex.source}|`).exec('')!.length - 1;
    groups.push({ at, width, d });
    parts.push(`(${d.regex.source})`);
    at += width + 1;
  }
  const re = new RegExp(parts.join('|'), 'g');
  const out: Range = { start: 0, end: 0 };
  return (s: string) => {
    let found = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      const g = groups.find((x) => m![x.at] !== undefined)!;
      const sub = m.slice(g.at, g.at + g.width + 1) as unknown as RegExpExecArray;
      sub.index = m.index;
      sub.groups = m.groups;
      if (g.d.range(sub, s, out)) found++;
      else re.lastIndex = m.index + 1;
    }
    return found;
  };
}

export async function runRedactionBench(opts: { seconds?: number } = {}): Promise<Figure[]> {
  const seconds = opts.seconds ?? 3;
  const lines = benchLines(1000);
  const bodies = lines.map((l) => l.body as string);
  const avg = Math.round(bodies.reduce((a, b) => a + Buffer.byteLength(b), 0) / bodies.length);
  const p = new RedactionProcessor(settings(), redactionProcessorConfig.parse({}), 'logs', { mutates: false, consume: async () => {} }, {});
  const tally = new Tally(p.scrubber.labels.length, false);
  const combined = combinedScanner();
  // Warm up both strategies before measuring either.
  stringRate(bodies, (s) => p.scrubber.scrubString(s, tally), 0.5);
  stringRate(bodies, combined, 0.5);
  const json = jsonLines(500, 0.2);
  const jsonAvg = Math.round(json.reduce((a, l) => a + Buffer.byteLength(l.body as string), 0) / json.length);
  return [
    { name: `redaction: log records through the processor (~${avg} B bodies, 20% with PII, every detector)`, value: processorRate(lines, seconds), unit: 'records/s/core' },
    { name: `redaction: log records, ~${jsonAvg} B JSON-string bodies (structlog), 20% with PII`, value: processorRate(json, seconds), unit: 'records/s/core' },
    { name: `redaction: log records, ~${avg} B bodies, no secrets at all`, value: processorRate(cleanLines(1000), seconds), unit: 'records/s/core' },
    { name: 'redaction: body strings, prefilter + applicable regexes', value: stringRate(bodies, (s) => p.scrubber.scrubString(s, tally), seconds), unit: 'strings/s/core' },
    { name: 'redaction: body strings, one combined alternation regex', value: stringRate(bodies, combined, seconds), unit: 'strings/s/core' },
  ];
}

if (import.meta.filename === process.argv[1]) {
  for (const f of await runRedactionBench()) console.log(`${f.name.padEnd(78)} ${String(f.value).padStart(10)} ${f.unit}`);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASONS, Reason } from '../../../src/telemetry/drop-reasons.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';

// As fastify checks its error codes: every reason in the table is documented in the README,
// every reason the README documents exists, and no code in src/ writes a reason as a free
// string (it names it as Reason.x, so a typo does not compile and nothing goes undocumented).

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src');
const TABLE_FILE = 'telemetry/drop-reasons.ts';
/** Files whose quoted words happen to equal a reason but are not one (protobuf field names, zod issue codes). */
const NOT_REASONS = [/^pdata\/generated\//, /^config\/zod-issues\.ts$/];
/**
 * Authenticators' refusals (`AuthFailureReason` in net/auth.ts, a closed union the compiler
 * checks): the `reason` label of genrf_collector_auth_failures_total, not a drop reason.
 */
const AUTH_RESULT = /\{ ok: false, reason: '(?:missing|invalid|unavailable)'/;

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function documented(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const begin = readme.indexOf('<!-- reasons:begin');
  const end = readme.indexOf('<!-- reasons:end -->');
  expect(begin, 'README.md has the reasons table').toBeGreaterThan(0);
  return [...readme.slice(begin, end).matchAll(/^\| `([a-z_]+)` \| (?:drop|refusal|both) \| .+ \|$/gm)].map((m) => m[1]);
}

/** `file:line: text` for every quoted reason name, and every `reason: '...'`-like literal, outside the table. */
function freeReasons(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const names = REASONS.map((r) => r.name).join('|');
  const patterns = [
    new RegExp(`(['"])(?:${names})\\1`),
    // a reason that is not in the table at all, in the places reasons are passed
    /\breason:\s*['"][a-z_]+['"]\s*[,}]/,
    /ConsumerError\.(?:retryable|permanent)\(\s*['"]/,
    /\.dropped\([^)]*,\s*['"][a-z_]+['"]\s*,[^,)]*\)/,
  ];
  const out: string[] = [];
  for (const { path, text } of files) {
    if (path === TABLE_FILE || NOT_REASONS.some((re) => re.test(path))) continue;
    text.split('\n').forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments name reasons in backquotes, and may quote them
      if (AUTH_RESULT.test(line) && !/['"](?!missing|invalid|unavailable)[a-z_]+['"]\s*[,}]/.test(line.replace(AUTH_RESULT, ''))) return;
      if (patterns.some((re) => re.test(line))) out.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

describe('drop and refusal reasons', () => {
  it('documents every reason of the table in the README, and no other', () => {
    expect(documented()).toEqual(REASONS.map((r) => r.name));
  });

  it('has unique names of the form of a metric label, each with a doc line', () => {
    const names = REASONS.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of REASONS) {
      expect(r.name).toMatch(/^[a-z][a-z_]*$/);
      expect(r.doc.length).toBeGreaterThan(10);
      expect(Reason[r.name]).toBe(r.name);
    }
  });

  it('src/ writes no reason as a free string', () => {
    const files = sources(SRC).map((p) => ({ path: relative(SRC, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));
    expect(freeReasons(files)).toEqual([]);
  });

  it('the free-string check catches a reason in the table, one outside it, and leaves comments alone', () => {
    const found = freeReasons([
      { path: 'processors/x/processor.ts', text: "metrics.dropped(c, s, 'queue_full', 1);\n// dropped as 'queue_full'\nconst ok = Reason.queue_full;" },
      { path: 'exporters/y/exporter.ts', text: "throw ConsumerError.retryable('made_up', 'm');\nlog({ reason: 'also_made_up' });\nm.dropped(c, s, 'nope', 2);" },
      { path: 'pdata/generated/fields.ts', text: "const F = ['', 'partial_success'];" },
    ]);
    expect(found.map((f) => f.split(':').slice(0, 2).join(':'))).toEqual(['processors/x/processor.ts:1', 'exporters/y/exporter.ts:1', 'exporters/y/exporter.ts:2', 'exporters/y/exporter.ts:3']);
  });

  it('counts drops by component, signal and reason, each series made once', async () => {
    const m = new SelfMetrics();
    const drop = m.drops('exporter/file', 'logs');
    drop(Reason.queue_full, 2);
    drop(Reason.queue_full, 3);
    m.dropped('exporter/file', 'logs', Reason.retries_exhausted, 4);
    m.dropped('exporter/file', 'traces', Reason.retries_exhausted, 1);
    const series = m.snapshot().filter((s) => s.name === 'genrf_collector_dropped_items_total');
    expect(series).toEqual(
      expect.arrayContaining([
        { name: 'genrf_collector_dropped_items_total', labels: { component: 'exporter/file', otel_signal: 'logs', reason: 'queue_full' }, value: 5 },
        { name: 'genrf_collector_dropped_items_total', labels: { component: 'exporter/file', otel_signal: 'logs', reason: 'retries_exhausted' }, value: 4 },
        { name: 'genrf_collector_dropped_items_total', labels: { component: 'exporter/file', otel_signal: 'traces', reason: 'retries_exhausted' }, value: 1 },
      ]),
    );
    expect(series).toHaveLength(3);
    expect(await m.render()).toContain('genrf_collector_dropped_items_total{component="exporter/file",otel_signal="logs",reason="queue_full"} 5');
  });
});

import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/security/analyse.ts';
import { GuardedExporter, securityGuard } from '../../../src/security/guard.ts';
import { buildGraph } from '../../../src/pipeline/graph.ts';
import { compileCondition } from '../../../src/match/condition.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import type { LogsData } from '../../../src/pdata/types.ts';
import { Batch } from '../../../src/pdata/batch.ts';
import { encodeProto } from '../../../src/pdata/proto/index.ts';
import { load, ROOT } from './helpers.ts';
import { bodies, dropped, logs, Recorder, resourceLogs, str } from '../connectors/routing/helpers.ts';

const SCOPES = { 'genrf.security': 2, 'genrf.security.auth': 1, 'genrf.securityx': 1, 'genrf.api': 1 };

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

/** The leaking fan-out fixture with its files in a temp dir and the policy's switches set. */
function leakingConfig(policy: string): { config: ReturnType<typeof load>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'genrf-guard-'));
  const text = readFileSync(join(ROOT, 'test/fixtures/security/fanout-before-router.yaml'), 'utf8')
    .replaceAll('/tmp/genrf-test', dir)
    // The memory_limiter reads this test process's real memory, which depends on what else the
    // worker ran: a limit out of reach keeps it from refusing the one batch under test.
    .replace('limit_mib: 512', 'limit_mib: 65536')
    .replace('    scrubbers: [redaction/pii]\n', `    scrubbers: [redaction/pii]\n${policy}`);
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, text);
  return { config: load(file), dir };
}

/** Builds the graph, starts all but the receivers, pushes one batch into pipeline "logs", stops. */
async function runOnce(config: ReturnType<typeof load>, metrics: SelfMetrics, logger = capture().logger) {
  const graph = buildGraph(config, { logger, metrics, shutdownTimeoutMs: 1000, wrapExporter: securityGuard(config, logger, metrics) });
  const host = { components: () => [] };
  const nodes = graph.startOrder().filter((n) => n.kind !== 'receiver' && n.kind !== 'extension');
  for (const n of nodes) await n.instance.start(host);
  try {
    await graph.entries.get('logs')!.consume(logs(resourceLogs([str('service.name', 'w')], SCOPES)));
  } finally {
    for (const n of graph.stopOrder()) if (nodes.includes(n)) await n.instance.shutdown();
  }
}

/** Scope name of every log record in an OTLP JSON lines file. */
function scopesIn(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .flatMap((line) =>
      (JSON.parse(line) as { resourceLogs: Array<{ scopeLogs: Array<{ scope: { name: string }; logRecords: unknown[] }> }> }).resourceLogs.flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) => sl.logRecords.map(() => sl.scope.name)),
      ),
    );
}

describe('runtime guard (static check off)', () => {
  it('keeps security records out of a general exporter that a leaking config feeds, and counts them', async () => {
    const { config, dir } = leakingConfig('    enforce: false\n');
    expect(analyse(config).map((d) => d.code)).toEqual(['SEC_LEAK']); // the config does leak
    const metrics = new SelfMetrics();
    await runOnce(config, metrics);
    // file/app gets the application records twice (through the router and beside it), never a security record.
    expect(scopesIn(join(dir, 'genrf.jsonl')).sort()).toEqual(['genrf.api', 'genrf.api', 'genrf.securityx', 'genrf.securityx']);
    expect(scopesIn(join(dir, 'security.jsonl')).sort()).toEqual(['genrf.security', 'genrf.security', 'genrf.security.auth']);
    expect(await dropped(metrics, 'exporter/file/app', 'security_guard')).toBe(3);
  });

  it('without it (runtime_guard: false) the same config does write security records to the application file', async () => {
    const { config, dir } = leakingConfig('    enforce: false\n    runtime_guard: false\n');
    const metrics = new SelfMetrics();
    await runOnce(config, metrics);
    expect(scopesIn(join(dir, 'genrf.jsonl'))).toContain('genrf.security.auth');
    expect(await dropped(metrics, 'exporter/file/app', 'security_guard')).toBe(0);
  });
});

describe('GuardedExporter', () => {
  const classify = compileCondition({ scope_name_prefix: ['genrf.security'] });

  it('builds a filtered batch and leaves the shared one untouched (copy-on-write)', async () => {
    const inner = new Recorder();
    const guard = new GuardedExporter('file/app', 'logs', inner, classify, capture().logger, new SelfMetrics());
    const shared = logs(resourceLogs([], SCOPES));
    await guard.consume(shared);
    expect(inner.bodies).toEqual(['genrf.securityx#0', 'genrf.api#0']);
    expect(inner.batches[0]).not.toBe(shared);
    expect(bodies(shared)).toHaveLength(5);
    expect((shared.data as LogsData).resourceLogs[0].scopeLogs.map((s) => s.scope.name)).toEqual(Object.keys(SCOPES));
  });

  it('passes a batch without security records on as it is, and one with only security records not at all', async () => {
    const inner = new Recorder();
    const guard = new GuardedExporter('file/app', 'logs', inner, classify, capture().logger, new SelfMetrics());
    const clean = logs(resourceLogs([], { 'genrf.api': 2 }));
    await guard.consume(clean);
    await guard.consume(logs(resourceLogs([], { 'genrf.security': 2 })));
    expect(inner.batches).toEqual([clean]);
    expect(inner.batches[0]).toBe(clean);
  });

  it('passes protobuf bytes without a security scope on undecoded; bytes with one are filtered as decoded data is', async () => {
    const inner = new Recorder();
    const metrics = new SelfMetrics();
    const guard = new GuardedExporter('file/app', 'logs', inner, classify, capture().logger, metrics);
    const clean = Batch.fromProto('logs', encodeProto('logs', logs(resourceLogs([], { 'genrf.api': 2, other: 1 })).data as LogsData));
    await guard.consume(clean);
    expect(inner.batches).toEqual([clean]);
    expect(clean.decoded).toBe(false);
    const mixed = Batch.fromProto('logs', encodeProto('logs', logs(resourceLogs([], SCOPES)).data as LogsData));
    await guard.consume(mixed);
    expect(inner.bodies.slice(3)).toEqual(['genrf.securityx#0', 'genrf.api#0']);
    expect(await dropped(metrics, 'exporter/file/app', 'security_guard')).toBe(3);
  });

  it('warns at most once a minute, with the number dropped since the last warning; counts every record', async () => {
    const { logger, lines } = capture();
    const metrics = new SelfMetrics();
    const guard = new GuardedExporter('file/app', 'logs', new Recorder(), classify, logger, metrics);
    for (let i = 0; i < 5; i++) await guard.consume(logs(resourceLogs([], { 'genrf.security.auth': 2 })));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'WARN', dropped: 2, reason: 'security_guard' });
    expect(await dropped(metrics, 'exporter/file/app', 'security_guard')).toBe(10);
  });

  it('declares the mutating exporter it guards as mutating, so a fan-out still gives it a copy', () => {
    const guard = new GuardedExporter('x', 'logs', new Recorder(true), classify, capture().logger, new SelfMetrics());
    expect(guard.mutates).toBe(true);
  });
});

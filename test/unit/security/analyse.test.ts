import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/security/analyse.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';
import { load, ROOT } from './helpers.ts';

const lines = (file: string) => analyse(load(file)).map((d) => formatDiagnostic(d, join(ROOT, 'test/fixtures/security')));

/** A fixture with edits, written to a temp file (so positions are those of the edited text). */
function variant(fixture: string, ...edits: Array<[string | RegExp, string]>): string {
  let text = readFileSync(join(ROOT, 'test/fixtures/security', fixture), 'utf8');
  for (const [from, to] of edits) {
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`${fixture}: nothing replaced for ${String(from)}`);
    text = edited;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'genrf-sec-')), fixture);
  writeFileSync(file, text);
  return file;
}

describe('security analysis: leaking configurations are refused with the path and the line that opened it', () => {
  it('fan-out before the router: a general exporter beside the router in the ingest pipeline', () => {
    expect(lines('fanout-before-router.yaml')).toEqual([
      expect.stringMatching(
        /^fanout-before-router\.yaml:26:37: error SEC_LEAK \[exporter file\/app\] service\.pipelines\.logs\.exporters\[1\]: security records can reach exporter "file\/app", which is not in service\.security\.sinks: otlp → memory_limiter → file\/app \(pipelines logs\)\. Pipeline "logs" hands every record/,
      ),
    ]);
  });

  it('a default route that can carry security records (the route takes only the exact logger name)', () => {
    expect(lines('default-route-leak.yaml')).toEqual([
      expect.stringMatching(
        /^default-route-leak\.yaml:16:25: error SEC_LEAK \[connector routing\/security\] connectors\.routing\/security\.default_pipelines\[0\]: .*: otlp → memory_limiter → routing\/security → file\/app \(pipelines logs → logs\/app\)\. The default route of routing\/security can carry security records/,
      ),
    ]);
  });

  it('a general exporter added to the security pipeline', () => {
    expect(lines('exporter-in-security-pipeline.yaml')).toEqual([
      expect.stringMatching(
        /^exporter-in-security-pipeline\.yaml:33:48: error SEC_LEAK \[exporter file\/app\] service\.pipelines\.logs\/security\.exporters\[2\]: .*: otlp → memory_limiter → routing\/security → redaction\/pii → file\/app \(pipelines logs → logs\/security\)\. Pipeline "logs\/security" carries security records: remove file\/app/,
      ),
    ]);
  });

  it('a connector that bypasses the scrubber on its way to the sink', () => {
    expect(lines('connector-bypasses-scrubber.yaml')).toEqual([
      expect.stringMatching(
        /^connector-bypasses-scrubber\.yaml:27:37: error SEC_UNSCRUBBED \[connector forward\/raw\] service\.pipelines\.logs\.exporters\[1\]: security records can reach sink "file\/security" without passing a scrubber \(redaction\/pii\): otlp → memory_limiter → forward\/raw → file\/security \(pipelines logs → logs\/raw\)/,
      ),
    ]);
  });

  it('a connector that carries scrubbed security records on to a general exporter', () => {
    expect(lines('connector-leak.yaml')).toEqual([
      expect.stringMatching(
        /^connector-leak\.yaml:34:34: error SEC_LEAK \[connector forward\/copy\] service\.pipelines\.logs\/security\.exporters\[1\]: .*: otlp → memory_limiter → routing\/security → redaction\/pii → forward\/copy → file\/app \(pipelines logs → logs\/security → logs\/app\)/,
      ),
    ]);
  });

  it('a security pipeline without a scrubber', () => {
    expect(lines('missing-scrubber.yaml')).toEqual([
      expect.stringMatching(
        /^missing-scrubber\.yaml:34:19: error SEC_UNSCRUBBED \[exporter file\/security\] service\.pipelines\.logs\/security\.exporters\[0\]: .*: otlp → memory_limiter → routing\/security → batch → file\/security .*Add one of redaction\/pii to the processors of pipeline "logs\/security"/,
      ),
    ]);
  });

  it('a broad route before the security route takes the security records (first match wins)', () => {
    expect(lines('broad-route-first.yaml')).toEqual([
      expect.stringMatching(
        /^broad-route-first\.yaml:15:9: error SEC_LEAK \[connector routing\/security\] connectors\.routing\/security\.table\[0\]: .*: otlp → routing\/security → file\/app \(pipelines logs → logs\/app\)\. Route table\[0\] of routing\/security can match security records/,
      ),
    ]);
  });

  it('reports one diagnostic per opening step, counting the other paths through it', () => {
    const file = variant(
      'fanout-before-router.yaml',
      [
        '  otlp: { protocols: { http: { endpoint: 127.0.0.1:4318 } } }',
        '  otlp: { protocols: { http: { endpoint: 127.0.0.1:4318 } } }\n  otlp/2: { protocols: { http: { endpoint: 127.0.0.1:4319 } } }',
      ],
      ['      receivers: [otlp]\n      processors: [memory_limiter]', '      receivers: [otlp, otlp/2]\n      processors: [memory_limiter]'],
    );
    const ds = analyse(load(file));
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toMatch(/otlp → memory_limiter → file\/app .*\(1 more path\(s\) open at the same step\)$/);
  });
});

describe('security analysis: accepted configurations', () => {
  it('accepts pipelines/default.yaml', () => {
    expect(analyse(load(join(ROOT, 'pipelines/default.yaml'), { GENRF_DATA_DIR: '/tmp/x' }))).toEqual([]);
  });

  it('accepts routes in an order where the security route takes every security record first', () => {
    expect(lines('ordered-routes.yaml')).toEqual([]);
  });

  it('refuses the same routes when the broad route comes first, and match_once: false lets both take them', () => {
    const swapped = variant('ordered-routes.yaml', [
      /( {6}- match: \{ scope_name_prefix: \[genrf\.security, genrf\.audit\] \}\n {8}pipelines: \[logs\/security\]\n)( {6}- match: \{ scope_name_prefix: genrf \}\n {8}pipelines: \[logs\/app\]\n)/,
      '$2$1',
    ]);
    // table[0] (genrf) takes them; the regex route after the security route still sees none.
    expect(analyse(load(swapped)).map((d) => `${d.code} ${d.path}`)).toEqual(['SEC_LEAK connectors.routing/security.table[0]']);
    const all = variant('ordered-routes.yaml', ['    default_pipelines: [logs/other]', '    default_pipelines: [logs/other]\n    match_once: false']);
    expect(analyse(load(all)).map((d) => d.path)).toEqual(['connectors.routing/security.table[1]', 'connectors.routing/security.table[2]']);
  });

  it('covers only the signals listed (default logs): traces from a genrf.security tracer are not policed unless asked', () => {
    const withTraces: Array<[string, string]> = [
      ['  pipelines:\n', '  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [file/app]\n'],
      ['      exporters: [routing/security, file/app]', '      exporters: [routing/security]'],
    ];
    expect(analyse(load(variant('fanout-before-router.yaml', ...withTraces)))).toEqual([]);
    const both = variant('fanout-before-router.yaml', ...withTraces, ['    scrubbers: [redaction/pii]', '    scrubbers: [redaction/pii]\n    signals: [logs, traces]']);
    expect(analyse(load(both)).map((d) => `${d.code} ${d.path}`)).toEqual(['SEC_LEAK service.pipelines.traces.exporters[0]']);
  });
});

describe('security analysis: the policy itself', () => {
  it('names sinks and scrubbers that are not configured, with a suggestion', () => {
    expect(lines('undefined-refs.yaml')).toEqual([
      'undefined-refs.yaml:11:13: error SEC_UNDEFINED_REF service.security.sinks[0]: service.security.sinks names exporter "file/securty", which is not configured: define it under exporters or fix the name; did you mean "file/security"?',
      'undefined-refs.yaml:12:17: error SEC_UNDEFINED_REF service.security.scrubbers[0]: service.security.scrubbers names processor "redaction/pi", which is not configured: define it under processors or fix the name; did you mean "redaction/pii"?',
    ]);
  });

  it('the loader refuses a malformed policy with positions (unknown key, empty classify)', async () => {
    const { loadConfig } = await import('../../../src/config/load.ts');
    const { registry } = await import('./helpers.ts');
    const file = variant('fanout-before-router.yaml', ['    classify: { scope_name_prefix: [genrf.security] }', '    classify: {}\n    sink: [file/security]']);
    const res = loadConfig([file], registry(), {});
    expect(res.config).toBeUndefined();
    const text = res.diagnostics.map((d) => formatDiagnostic(d)).join('\n');
    expect(text).toMatch(/:19:15: error CFG_INVALID_VALUE .*service\.security\.classify: .*at least one key/);
    expect(text).toMatch(/:20:5: error CFG_UNKNOWN_KEY .*service\.security\.sink.*did you mean "sinks"/);
  });
});

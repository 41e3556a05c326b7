import { describe, expect, test } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, lines, load, testRegistry } from './helpers.ts';
import { loadConfig } from '../../../src/config/load.ts';

describe('a valid file', () => {
  test('gives every component its parsed config with defaults, and the pipelines', () => {
    const { config, diagnostics } = load(['valid.yaml']);
    expect(diagnostics).toEqual([]);
    expect(config).toBeDefined();
    const c = config!;
    expect(c.exporters.get('file/app')!.config).toEqual({ path: './data/app.jsonl', rotation: { max_megabytes: 10, max_backups: 5 } });
    expect(c.exporters.get('debug')!.config).toEqual({ verbosity: 'basic' });
    expect(c.processors.get('batch')!.config).toEqual({ timeout: 1000, send_batch_size: 8192 });
    expect(c.exporters.get('file/app')!.id).toEqual({ type: 'file', name: 'app', text: 'file/app' });
    expect(c.exporters.get('file/app')!.pos).toEqual({ file: fixture('valid.yaml'), line: 9, col: 3 });
    expect([...c.service.pipelines.values()]).toEqual([
      {
        id: 'logs',
        signal: 'logs',
        name: '',
        receivers: ['otlp'],
        processors: ['batch'],
        exporters: ['file/app', 'debug'],
        pos: { file: fixture('valid.yaml'), line: 16, col: 5 },
      },
    ]);
    expect(c.service.telemetry).toEqual({ logs: { level: 'info' }, metrics: { address: '127.0.0.1:8888', level: 'normal' } });
    expect(c.service.shutdownTimeoutMs).toBe(10_000);
    expect(c.files).toEqual([fixture('valid.yaml')]);
    expect(c.positionOf(['exporters', 'file/app', 'rotation', 'max_megabytes'])).toEqual({ file: fixture('valid.yaml'), line: 12, col: 22 });
    expect(c.positionOf(['service', 'pipelines', 'logs', 'exporters', 1])).toEqual({ file: fixture('valid.yaml'), line: 19, col: 29 });
    expect(c.positionOf(['exporters', 'nope'])).toBeUndefined();
  });
});

describe('component diagnostics', () => {
  test('unknown keys point at the key itself, with a near-miss suggestion or the known keys', () => {
    expect(lines(['unknown-key.yaml'])).toEqual([
      'unknown-key.yaml:6:5: error CFG_UNKNOWN_KEY [exporter file/app] exporters.file/app.rotaton: unknown key "rotaton"; did you mean "rotation"?',
      'unknown-key.yaml:11:7: error CFG_UNKNOWN_KEY [exporter file/sec] exporters.file/sec.rotation.max_megabyte: unknown key "max_megabyte"; did you mean "max_megabytes"?',
      'unknown-key.yaml:12:7: error CFG_UNKNOWN_KEY [exporter file/sec] exporters.file/sec.rotation.colour: unknown key "colour"; known keys: "max_megabytes", "max_backups"',
    ]);
    expect(load(['unknown-key.yaml']).config).toBeUndefined();
  });

  test('an unknown type lists the known types of its kind and says where a type of another kind belongs', () => {
    expect(lines(['unknown-type.yaml'])).toEqual([
      'unknown-type.yaml:2:3: error CFG_UNKNOWN_TYPE [receiver otlpp] receivers.otlpp: unknown receiver type "otlpp" (known receiver types: hostmetrics, otlp); did you mean "otlp"?',
      'unknown-type.yaml:3:3: error CFG_UNKNOWN_TYPE [receiver routing/x] receivers.routing/x: unknown receiver type "routing" (known receiver types: hostmetrics, otlp); "routing" is a connector: define it under connectors',
    ]);
  });

  test('a file with six different problems reports all six, each with line:col, path and id', () => {
    const out = lines(['six-problems.yaml']);
    expect(out).toEqual([
      'six-problems.yaml:4:25: error CFG_INVALID_VALUE [receiver otlp] receivers.otlp.protocols.http.endpoint: expected host:port, e.g. 127.0.0.1:4318; got "localhost"',
      'six-problems.yaml:8:22: error CFG_INVALID_VALUE [processor batch] processors.batch.send_batch_size: expected a number, got "many"',
      'six-problems.yaml:12:36: error CFG_UNKNOWN_KEY [exporter file/app] exporters.file/app.rotation.max_backup: unknown key "max_backup"; did you mean "max_backups"?',
      'six-problems.yaml:13:3: error CFG_UNKNOWN_TYPE [exporter kafka] exporters.kafka: unknown exporter type "kafka" (known exporter types: debug, file)',
      'six-problems.yaml:17:25: error CFG_WRONG_SIGNAL [receiver hostmetrics] service.pipelines.logs.receivers[1]: receiver "hostmetrics" does not support logs (it supports metrics): remove it from pipeline "logs" or use it in a metrics pipeline',
      'six-problems.yaml:19:29: error CFG_UNDEFINED_REF [exporter file/missing] service.pipelines.logs.exporters[1]: references exporter "file/missing" which is not configured: define it under exporters (or connectors) or fix the name',
    ]);
  });

  test('wrong types, enums, ranges, missing required keys and bad ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'types.yaml');
    writeFileSync(
      f,
      [
        'receivers:',
        '  otlp:',
        '    protocols: [grpc]',
        '  hostmetrics:',
        '    collection_interval: soon',
        'exporters:',
        '  file/a:',
        '    rotation: { max_megabytes: 0 }',
        '  debug/x:',
        '    verbosity: detaild',
        '  "bad id":',
        'service:',
        '  pipelines:',
        '    metrics: { receivers: [otlp, hostmetrics], exporters: [file/a, debug/x] }',
        '',
      ].join('\n'),
    );
    const ds = loadConfig([f], testRegistry(), {}).diagnostics.map((d) => `${d.pos!.line}:${d.pos!.col} ${d.code} ${d.path}: ${d.message}`);
    expect(ds).toEqual([
      '3:16 CFG_INVALID_VALUE receivers.otlp.protocols: expected a map, got a list',
      '5:26 CFG_INVALID_VALUE receivers.hostmetrics.collection_interval: "soon" is not a duration: use a number and a unit, e.g. 500ms, 5s, 1m',
      '7:3 CFG_INVALID_VALUE exporters.file/a.path: missing required key "path": add it',
      '8:32 CFG_INVALID_VALUE exporters.file/a.rotation.max_megabytes: value must be >= 1; got 0',
      '10:16 CFG_INVALID_VALUE exporters.debug/x.verbosity: must be one of "basic", "normal", "detailed"; got "detaild"; did you mean "detailed"?',
      '11:3 CFG_INVALID_ID exporters.bad id: invalid component id "bad id": the type must start with a letter and hold only letters, digits and "_"',
    ]);
  });
});

describe('files', () => {
  test('every YAML syntax error of a file is reported with its position, and nothing after', () => {
    expect(lines(['syntax-error.yaml'])).toEqual([
      'syntax-error.yaml:4:1: error CFG_YAML_SYNTAX Flow map in block collection must be sufficiently indented and end with a } (YAML BAD_INDENT)',
      'syntax-error.yaml:6:1: error CFG_YAML_SYNTAX Flow sequence in block collection must be sufficiently indented and end with a ] (YAML BAD_INDENT)',
    ]);
  });

  test('a key written twice in one file is an error at the second one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const f = join(dir, 'dup.yaml');
    writeFileSync(f, 'exporters:\n  debug:\n  debug:\n');
    const [d] = loadConfig([f], testRegistry(), {}).diagnostics;
    expect(d).toMatchObject({ severity: 'error', code: 'CFG_DUPLICATE_KEY', pos: { file: f, line: 3, col: 3 } });
    expect(d.message).toBe('key "debug" is written twice in the same map (first at line 2): remove one or merge them');
  });

  test('a missing file is reported with its path, and an empty call says to pass --config', () => {
    const r = load(['missing.yaml']);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'CFG_FILE_NOT_FOUND', severity: 'error' });
    expect(r.diagnostics[0].message).toContain(fixture('missing.yaml'));
    expect(loadConfig([], testRegistry(), {}).diagnostics[0].message).toContain('--config');
  });

  test('a file that is not a map of sections, and an unknown section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    writeFileSync(join(dir, 'section.yaml'), 'exporter:\n  debug:\n');
    expect(loadConfig([join(dir, 'list.yaml')], testRegistry(), {}).diagnostics[0]).toMatchObject({ code: 'CFG_NOT_A_MAP', pos: { line: 1, col: 1 } });
    const ds = loadConfig([join(dir, 'section.yaml')], testRegistry(), {}).diagnostics;
    expect(ds[0]).toMatchObject({ code: 'CFG_UNKNOWN_SECTION', pos: { line: 1, col: 1 } });
    expect(ds[0].message).toBe('unknown section "exporter"; did you mean "exporters"?');
  });
});

test('anchors, aliases and << merge keys work as in otelcol (go-yaml)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const f = join(dir, 'anchors.yaml');
  writeFileSync(
    f,
    [
      'exporters:',
      '  file/a: &common',
      '    path: ./a.jsonl',
      '  file/b:',
      '    <<: *common',
      '    rotation: { max_backups: 1 }',
      '  file/c: *common',
      'receivers:',
      '  otlp:',
      'service:',
      '  pipelines:',
      '    logs: { receivers: [otlp], exporters: [file/a, file/b, file/c] }',
      '',
    ].join('\n'),
  );
  const { config, diagnostics } = loadConfig([f], testRegistry(), {});
  expect(diagnostics).toEqual([]);
  expect(config!.exporters.get('file/b')!.config).toEqual({ path: './a.jsonl', rotation: { max_megabytes: 100, max_backups: 1 } });
  expect(config!.exporters.get('file/c')!.config).toMatchObject({ path: './a.jsonl' });
});

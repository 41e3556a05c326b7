import { describe, expect, test } from 'vitest';
import { expandString } from '../../../src/config/env.ts';
import { fixture, lines, load } from './helpers.ts';

describe('expandString', () => {
  test('expands several references, defaults only when unset, and $$ escapes', () => {
    const env = { HOST: 'db', EMPTY: '' };
    expect(expandString('${env:HOST}:${env:PORT:-5432}', env)).toEqual({ text: 'db:5432', issues: [], whole: false });
    expect(expandString('[${env:EMPTY:-x}]', env).text).toBe('[]');
    expect(expandString('cost $$5, literal $${env:HOST}, lone $ sign', env).text).toBe('cost $5, literal ${env:HOST}, lone $ sign');
    expect(expandString('${env:HOST}', env).whole).toBe(true);
    expect(expandString('$${env:HOST}', env).whole).toBe(false);
  });

  test('unset without default and malformed references are issues', () => {
    expect(expandString('${env:NOPE}', {}).issues).toEqual([
      {
        code: 'CFG_ENV_UNSET',
        message: 'environment variable NOPE is not set: set it, or give a default with ${env:NOPE:-value}',
      },
    ]);
    for (const bad of ['${env:}', '${foo}', '${env:1X}', '${env:A B}', 'x${env:UNCLOSED']) {
      const { issues } = expandString(bad, {});
      expect(
        issues.map((i) => i.code),
        bad,
      ).toEqual(['CFG_ENV_MALFORMED']);
    }
  });
});

describe('env in pipeline files', () => {
  test('defaults, whole-scalar re-reading as YAML (ints), quoted values stay strings, escapes', () => {
    const { config, diagnostics } = load(['env.yaml'], { BATCH_SIZE: '100', DATA_DIR: '/var/data', VERSION: '1.10', OTLP_PORT: '14318' });
    expect(diagnostics).toEqual([]);
    expect(config!.receivers.get('otlp')!.config).toEqual({ protocols: { http: { endpoint: '127.0.0.1:14318' } } });
    // A whole plain ${env:...} is re-read, so the int schema accepts it.
    expect(config!.processors.get('batch')!.config).toEqual({ send_batch_size: 100, timeout: 1000 });
    expect(config!.processors.get('attributes/env')!.config).toEqual({
      actions: [
        { key: 'deployment.environment', value: 'dev', action: 'upsert' },
        { key: 'price', value: '$5 and ${env:NOT_EXPANDED}', action: 'insert' },
        // quoted: stays the string "1.10", not the number 1.1
        { key: 'version', value: '1.10', action: 'insert' },
      ],
    });
    expect(config!.exporters.get('file/app')!.config).toMatchObject({ path: '/var/data/app.jsonl' });
    expect((config!.raw.exporters as Record<string, { path: string }>)['file/app'].path).toBe('/var/data/app.jsonl');
  });

  test('an unset variable is an error at its scalar, and hides what the schema would say about the empty value', () => {
    const r = load(['env.yaml'], { DATA_DIR: '/d', VERSION: '1' });
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'CFG_ENV_UNSET',
        path: 'processors.batch.send_batch_size',
        componentId: 'batch',
        pos: { file: fixture('env.yaml'), line: 8, col: 22 },
        message: 'environment variable BATCH_SIZE is not set: set it, or give a default with ${env:BATCH_SIZE:-value}',
      },
    ]);
  });

  test('every broken reference of a file is reported', () => {
    expect(lines(['env-broken.yaml'])).toEqual([
      'env-broken.yaml:3:11: error CFG_ENV_UNSET [exporter file/app] exporters.file/app.path: environment variable MISSING_DIR is not set: set it, or give a default with ${env:MISSING_DIR:-value}',
      'env-broken.yaml:5:11: error CFG_ENV_MALFORMED [exporter file/b] exporters.file/b.path: malformed reference "${env:}": name the variable, e.g. ${env:GENRF_ENV}',
      'env-broken.yaml:7:11: error CFG_ENV_MALFORMED [exporter file/c] exporters.file/c.path: unsupported reference "${foo}": only ${env:NAME} and ${env:NAME:-default} are supported (write $$ for a literal "$")',
      'env-broken.yaml:9:11: error CFG_ENV_MALFORMED [exporter file/d] exporters.file/d.path: malformed reference "${env:1BAD}": the variable name must be letters, digits and "_", not starting with a digit',
    ]);
  });
});

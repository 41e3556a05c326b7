// `genrf-collector test`: the shipped tests pass, a wrong expectation fails with a readable
// diff, and a malformed test file is reported with its position.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers/daemon.ts';

const DEFAULT_YAML = resolve(import.meta.dirname, '../../pipelines/default.yaml');

const securityLog = (email: string) => `
        logs:
          resourceLogs:
            - scopeLogs:
                - scope: { name: genrf.security.auth }
                  logRecords: [ { body: { stringValue: "login failed for ${email}" } } ]`;

describe('genrf-collector test', () => {
  it('passes the tests shipped in pipelines/tests', async () => {
    const r = await cli(['test', 'pipelines/tests']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(\d+) passed, 0 failed$/m);
    for (const f of ['default', 'genrf', 'edge']) expect(r.stdout).toContain(`pipelines/tests/${f}.test.yaml`);
  });

  it('fails a wrong expectation with the expected and the actual field side by side', async () => {
    const dir = await tempDir('genrf-pipetest-');
    await writeFile(
      join(dir, 'wrong.test.yaml'),
      `
pipelines: [${DEFAULT_YAML}]
tests:
  - name: expects the e-mail address unscrubbed (wrong on purpose)
    inputs:
      - receiver: otlp${securityLog('erin@example.com')}
    expect:
      file/security:
        present: [ { scope.name: genrf.security.auth, body: "login failed for erin@example.com" } ]
      file/app: { count: 1 }
`,
    );
    const r = await cli(['test', dir], { NO_COLOR: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ expects the e-mail address unscrubbed');
    expect(r.stdout).toContain('- body: "login failed for erin@example.com"');
    expect(r.stdout).toContain('+ body: "login failed for [REDACTED:email]"');
    expect(r.stdout).toContain('file/app: expected 1 record(s), got 0');
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
  });

  it('reports a malformed test file with its line and column, and a receiver refusal', async () => {
    const dir = await tempDir('genrf-pipetest-');
    await mkdir(join(dir, 'sub'));
    await writeFile(
      join(dir, 'sub', 'bad.test.yaml'),
      `pipelines: [${DEFAULT_YAML}]
tests:
  - name: typo
    inputs:
      - receiver: otlp${securityLog('x@example.com')}
    expect:
      file/security: { cout: 1 }
`,
    );
    await writeFile(
      join(dir, 'refused.test.yaml'),
      `pipelines: [${DEFAULT_YAML}]
tests:
  - name: not OTLP
    inputs:
      - { receiver: otlp, logs: "{\\"resourceLogs\\": 7}" }
    expect: { file/app: { count: 0 } }
`,
    );
    const r = await cli(['test', dir], { NO_COLOR: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad\.test\.yaml:12:22: tests\.0\.expect\.file\/security: Unrecognized key: "cout"/);
    expect(r.stdout).toMatch(/inputs\[0\]: receiver otlp refused it: .*resourceLogs/);
  });
});

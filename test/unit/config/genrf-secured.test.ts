import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../src/builtin-components.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';
import { loadConfig } from '../../../src/config/load.ts';

// pipelines/genrf.yaml carries its secured form as commented lines (issue 18). Uncommented,
// it must be a valid configuration, and bound beyond loopback (as deploy/k8s binds it) it must
// draw no exposure warning, while the shipped form, bound the same way, draws one per server.

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'genrf-secured-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The secured form: `# tls: ...`, `# auth: ...` and the other commented option lines uncommented. */
function securedGenrf(text: string): string {
  const option = /^(\s*)# ((?:tls|auth|include_metadata|bearertokenauth\/\w+):(?: .*)?| {2}filename: .*)$/;
  return text
    .split('\n')
    .flatMap((line) => {
      if (/^\s*extensions: \[/.test(line) && text.includes('# secured: extensions:')) return [];
      const secured = /^(\s*)# secured: (.*)$/.exec(line);
      if (secured) return [secured[1] + secured[2]];
      const m = option.exec(line);
      return [m ? m[1] + m[2] : line];
    })
    .join('\n');
}

const exposedEnv = {
  GENRF_OTLP_GRPC_ENDPOINT: '0.0.0.0:4317',
  GENRF_OTLP_HTTP_ENDPOINT: '0.0.0.0:4318',
  GENRF_PROMETHEUS_ENDPOINT: '0.0.0.0:8889',
  GENRF_METRICS_ADDRESS: '0.0.0.0:8888',
  GENRF_HEALTH_ENDPOINT: '0.0.0.0:13133',
};

function validate(text: string, name: string): string[] {
  const file = join(dir, name);
  writeFileSync(file, text);
  return loadConfig([file], createRegistry(), exposedEnv).diagnostics.map((d) => formatDiagnostic(d, dir));
}

describe('pipelines/genrf.yaml, secured form', () => {
  const shipped = readFileSync(join(ROOT, 'pipelines/genrf.yaml'), 'utf8');

  it('shipped as it is, bound beyond loopback, every server draws an exposure warning', () => {
    const out = validate(shipped, 'shipped.yaml');
    expect(out.filter((l) => l.includes('CFG_EXPOSED'))).toHaveLength(5);
    expect(out.filter((l) => !l.includes('CFG_EXPOSED'))).toEqual([]);
  });

  it('uncommented, it is valid, TLS and tokens on OTLP, the scrape endpoints and the Kafka link; no warning', () => {
    const secured = securedGenrf(shipped);
    expect(secured).not.toEqual(shipped);
    expect(secured).toMatch(/^ {8}auth: \{ authenticator: bearertokenauth\/workers \}$/m);
    expect(secured).toMatch(/^ {4}auth: \{ sasl: \{ mechanism: SCRAM-SHA-512/m);
    expect(secured).toMatch(/^ {2}extensions: \[.*bearertokenauth\/workers, bearertokenauth\/scrape\]$/m);
    expect(validate(secured, 'secured.yaml')).toEqual([]);
  });
});

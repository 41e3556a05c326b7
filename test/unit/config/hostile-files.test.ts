// Hostile or broken pipeline files (issue 11, item 3): an alias bomb and a huge file are
// refused quickly, with bounded memory, with a positioned error.
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';
import { MAX_CONFIG_FILE_BYTES } from '../../../src/config/source.ts';
import { testRegistry } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'genrf-hostile-'));

/** "Billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

describe('hostile pipeline files', () => {
  test('an alias bomb is refused in under 1 s with file:line:col', () => {
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, aliasBomb());
    const { value, ms } = timed(() => loadConfig([file], testRegistry()));
    expect(value.config).toBeUndefined();
    expect(value.diagnostics.map((d) => formatDiagnostic(d, dir))).toEqual([expect.stringMatching(/^bomb\.yaml:3:8: error CFG_YAML_ALIASES YAML aliases expand past the limit/)]);
    expect(ms).toBeLessThan(1000);
  });

  test('a large anchor copied by few aliases is bounded too (what the copies cost)', () => {
    // 15,000 entries under one anchor, aliased 10 times: within maxAliasCount, but 150,000 nodes.
    const entries = Array.from({ length: 15_000 }, (_, i) => `  k${i}: v`).join('\n');
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, `big: &big\n${entries}\ncopies: [${Array(10).fill('*big').join(', ')}]\n`);
    const { diagnostics } = loadConfig([file], testRegistry());
    expect(diagnostics.map((d) => formatDiagnostic(d, dir))).toEqual([expect.stringMatching(/^wide\.yaml:15002:\d+: error CFG_YAML_ALIASES .*more than 100000 nodes/)]);
  });

  test('a 50 MB file is refused in under 1 s without being read', () => {
    const file = join(dir, 'big.yaml');
    const fd = openSync(file, 'w');
    writeSync(fd, 'receivers:\n  otlp: { protocols: { http: {} } }\nprocessors:\n');
    const chunk = Array.from({ length: 1000 }, (_, i) => `  attributes/p${i}:\n    actions: [{ key: k, value: v, action: insert }]\n`).join('');
    let size = 0;
    while (size < 50 * 1024 * 1024) size += writeSync(fd, chunk);
    closeSync(fd);
    const { value, ms } = timed(() => loadConfig([file], testRegistry()));
    expect(value.diagnostics.map((d) => formatDiagnostic(d, dir))).toEqual([
      expect.stringMatching(new RegExp(`^big\\.yaml:1:1: error CFG_FILE_TOO_LARGE config file is \\d+ bytes; the limit is ${MAX_CONFIG_FILE_BYTES} bytes`)),
    ]);
    expect(ms).toBeLessThan(1000);
  });

  test('a file that reuses an anchor in many components is fine', () => {
    const file = join(dir, 'reuse.yaml');
    const exporters = Array.from({ length: 50 }, (_, i) => `  file/e${i}: { <<: *common, path: ./data/e${i}.jsonl }`).join('\n');
    writeFileSync(
      file,
      `x-common: &common { flush_interval: 1s }\nreceivers:\n  otlp: { protocols: { http: {} } }\nexporters:\n${exporters}\nservice:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [${Array.from({ length: 50 }, (_, i) => `file/e${i}`).join(', ')}] }\n`,
    );
    const { diagnostics } = loadConfig([file], testRegistry());
    expect(diagnostics.filter((d) => d.code === 'CFG_YAML_ALIASES')).toEqual([]);
  });
});

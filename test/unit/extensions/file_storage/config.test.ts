import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../../../src/builtin-components.ts';
import { formatDiagnostic } from '../../../../src/config/diagnostics.ts';
import { loadConfig } from '../../../../src/config/load.ts';
import { fileStorageConfig } from '../../../../src/extensions/file_storage/config.ts';

function diagnostics(yaml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'genrf-fs-cfg-'));
  const path = join(dir, 'p.yaml');
  writeFileSync(path, yaml);
  return loadConfig([path], createRegistry(), {})
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => formatDiagnostic(d, dir));
}

const pipeline = (extensions: string, list: string) => `
receivers: { otlp: { protocols: { http: {} } } }
exporters:
  file/audit:
    path: /tmp/x.jsonl
    sending_queue: { storage: file_storage/audit }
extensions:
${extensions}
service:
  extensions: [${list}]
  pipelines:
    logs: { receivers: [otlp], exporters: [file/audit] }
`;

describe('file_storage config', () => {
  it('has the documented defaults', () => {
    expect(fileStorageConfig.parse({ directory: '/q' })).toEqual({
      directory: '/q',
      create_directory: true,
      fsync: 'interval',
      fsync_interval: 1000,
      max_size_mib: 1024,
      segment_size_mib: 16,
      compaction: { on_start: true, ratio: 0.5 },
    });
    expect(() => fileStorageConfig.parse({ directory: '/q', fsync: 'sometimes' })).toThrow();
    // otelcol's boolean form.
    expect(fileStorageConfig.parse({ directory: '/q', fsync: true }).fsync).toBe('always');
    expect(fileStorageConfig.parse({ directory: '/q', fsync: false }).fsync).toBe('never');
    expect(() => fileStorageConfig.parse({ directory: '/q', segment_size_mib: 64, max_size_mib: 32 })).toThrow(/must not exceed max_size_mib/);
  });

  it('an exporter naming a storage that is configured but not enabled is an error at its position', () => {
    const d = diagnostics(pipeline('  file_storage/audit: { directory: /tmp/q }\n  health_check: {}', 'health_check'));
    expect(d).toEqual([
      expect.stringMatching(/^p\.yaml:6:\d+: error CFG_UNDEFINED_REF .*sending_queue\.storage references extension "file_storage\/audit", which is not enabled: add it to service\.extensions/),
    ]);
  });

  it('an exporter naming a storage that does not exist is an error, with the nearest name', () => {
    const d = diagnostics(pipeline('  file_storage/audi: { directory: /tmp/q }', 'file_storage/audi'));
    expect(d).toEqual([expect.stringMatching(/references extension "file_storage\/audit" which is not configured.*did you mean "file_storage\/audi"/)]);
  });

  it('a storage that is configured and enabled is accepted', () => {
    expect(diagnostics(pipeline('  file_storage/audit: { directory: /tmp/q }', 'file_storage/audit'))).toEqual([]);
  });
});

describe('file_storage directory', () => {
  it('is locked while a daemon runs: a second one with the same directory fails to start; a lock left by a dead process is taken over', async () => {
    const { FileStorageExtension } = await import('../../../../src/extensions/file_storage/file-storage.ts');
    const { testSettings } = await import('../../exporters/fixtures.ts');
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'genrf-fs-lock-'));
    const config = fileStorageConfig.parse({ directory: dir });
    // A lock from a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
    writeFileSync(join(dir, 'LOCK'), '4194305\n');
    const first = new FileStorageExtension(testSettings('file_storage'), config);
    await first.start();
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    // Another daemon: pretend the lock is held by our parent (alive, not us).
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`);
    const second = new FileStorageExtension(testSettings('file_storage'), config);
    await expect(second.start()).rejects.toThrow(new RegExp(`in use by another daemon \\(pid ${process.ppid}`));
    writeFileSync(join(dir, 'LOCK'), `${process.pid}\n`);
    await first.shutdown();
  });
});

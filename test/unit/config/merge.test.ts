import { expect, test } from 'vitest';
import { fixture, load } from './helpers.ts';

test('later files merge maps deeply and replace scalars and lists; positions follow the file a value came from', () => {
  const { config, diagnostics } = load(['merge-a.yaml', 'merge-b.yaml']);
  expect(config).toBeDefined();
  const c = config!;
  expect(c.files).toEqual([fixture('merge-a.yaml'), fixture('merge-b.yaml')]);
  expect(c.receivers.get('otlp')!.config).toEqual({
    protocols: { grpc: { endpoint: '127.0.0.1:4317' }, http: { endpoint: '0.0.0.0:14318' } },
  });
  expect(c.exporters.get('file/app')!.config).toEqual({ path: './a.jsonl', rotation: { max_megabytes: 10, max_backups: 9 } });
  // The exporters list of merge-b replaces merge-a's, so file/app is now unused.
  expect(c.service.pipelines.get('logs')).toMatchObject({ receivers: ['otlp'], exporters: ['debug'] });
  expect(diagnostics.map((d) => [d.severity, d.code, d.componentId])).toEqual([['warning', 'CFG_UNUSED', 'file/app']]);
  expect(c.positionOf(['exporters', 'file/app', 'rotation', 'max_backups'])).toEqual({ file: fixture('merge-b.yaml'), line: 8, col: 20 });
  expect(c.positionOf(['exporters', 'file/app', 'rotation', 'max_megabytes'])).toEqual({ file: fixture('merge-a.yaml'), line: 10, col: 22 });
  expect(c.positionOf(['exporters', 'file/app', 'path'])).toEqual({ file: fixture('merge-a.yaml'), line: 8, col: 11 });
});

test('the order of --config decides which value wins', () => {
  const { config } = load(['merge-b.yaml', 'merge-a.yaml']);
  expect(config!.receivers.get('otlp')!.config).toMatchObject({ protocols: { http: { endpoint: '127.0.0.1:4318' } } });
  expect(config!.service.pipelines.get('logs')!.exporters).toEqual(['file/app']);
});

test('a directory loads its *.yaml and *.yml files in name order, not subdirectories or other files', () => {
  const { config, diagnostics } = load(['dir']);
  expect(diagnostics).toEqual([]);
  expect(config!.files).toEqual(['10-receivers.yaml', '20-exporters.yml', '30-service.yaml'].map((n) => fixture(`dir/${n}`)));
  expect(config!.exporters.get('file/app')!.config).toMatchObject({ path: './from-20.jsonl' });
  expect(config!.exporters.get('file/app')!.pos).toEqual({ file: fixture('dir/20-exporters.yml'), line: 2, col: 3 });
  expect(config!.receivers.has('should_not')).toBe(false);
});

test('an error in a merged file points into that file', () => {
  const { diagnostics } = load(['dir', 'unknown-key.yaml']);
  expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos!.file}:${d.pos!.line}`)).toEqual([
    `${fixture('unknown-key.yaml')}:6`,
    `${fixture('unknown-key.yaml')}:11`,
    `${fixture('unknown-key.yaml')}:12`,
  ]);
});

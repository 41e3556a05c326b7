// The processors as an operator meets them: a pipeline file read by the real loader (with
// ${env:...} expansion and positions in errors) and built as `validate` / `run` build it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../../../src/builtin-components.ts';
import { loadConfig } from '../../../../src/config/load.ts';
import { buildGraph } from '../../../../src/pipeline/graph.ts';
import { Batch } from '../../../../src/pdata/batch.ts';
import { SelfMetrics } from '../../../../src/telemetry/metrics.ts';
import { silentLogger } from '../../../../src/telemetry/logger.ts';
import { attrs, logRecord, logs } from './fixtures.ts';

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'genrf-attrs-'));
  const path = join(dir, 'pipeline.yaml');
  writeFileSync(path, text);
  return path;
}

const PIPELINE = `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
processors:
  attributes/env:
    actions:
      - { key: deployment.environment, action: upsert, value: "\${env:GENRF_ENV:-dev}" }
      - { key: user.id, action: hash }
  filter/debug:
    logs:
      exclude: [ { severity_number_min: TRACE, attributes: { noisy: true } } ]
  resource/team:
    attributes: [ { key: team, action: insert, value: rf } ]
  resourcedetection:
    detectors: [k8s]
exporters:
  debug: {}
service:
  pipelines:
    logs: { receivers: [otlp], processors: [filter/debug, attributes/env, resource/team, resourcedetection], exporters: [debug] }
`;

describe('attributes, filter, resource and resourcedetection in a pipeline file', () => {
  it('load with ${env:...} expanded, build, and change the data in order', async () => {
    const { config, diagnostics } = loadConfig([file(PIPELINE)], createRegistry(), { GENRF_ENV: 'staging' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = buildGraph(config!, { logger: silentLogger(), metrics: new SelfMetrics(), shutdownTimeoutMs: 1000 });
    const entry = graph.entries.get('logs')!;
    const batch = Batch.of('logs', logs({ service: 'genrf-worker', records: [logRecord(9, 'kept', { 'user.id': 'alice' }), logRecord(9, 'gone', { noisy: true })] }));
    // Read back what reached the exporter side: the pipeline changes the batch it was given.
    await entry.consume(batch);
    const rl = batch.data.resourceLogs[0];
    expect(rl.scopeLogs[0].logRecords.map((r) => r.body?.stringValue)).toEqual(['kept']);
    expect(attrs(rl.scopeLogs[0].logRecords[0].attributes)).toEqual({
      'user.id': '2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90',
      'deployment.environment': 'staging',
    });
    expect(attrs(rl.resource.attributes)).toEqual({ 'service.name': 'genrf-worker', team: 'rf' });
  });

  it('a mistake in a condition is reported at its YAML path and line', () => {
    const text = PIPELINE.replace('severity_number_min: TRACE', 'severity_min: TRACE');
    const { diagnostics } = loadConfig([file(text)], createRegistry(), {});
    const err = diagnostics.find((d) => d.severity === 'error')!;
    expect(err.path).toMatch(/^processors\.filter\/debug\.logs\.exclude\[0\]/);
    expect(err.message).toMatch(/severity_min/);
    expect(err.pos?.line).toBe(11);
  });
});

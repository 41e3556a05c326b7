import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resourceDetectionProcessorConfig as config } from '../../../../src/processors/resourcedetection/config.ts';
import { detect, parseResourceAttributes, processSource, type DetectionSource } from '../../../../src/processors/resourcedetection/detect.ts';
import { ResourceDetectionProcessor } from '../../../../src/processors/resourcedetection/processor.ts';
import { resourceDetectionProcessorFactory } from '../../../../src/processors/resourcedetection/factory.ts';
import { createLogger } from '../../../../src/telemetry/logger.ts';
import { testSettings } from '../../receivers/otlp/helpers.ts';
import { attrs, Capture, gauge, logRecord, logs, metrics, protoBatch, span, traces } from '../attributes/fixtures.ts';

const source = (env: Record<string, string> = {}): DetectionSource => ({
  env,
  hostname: 'gpu-node-7',
  platform: 'linux',
  arch: 'x64',
  pid: 4242,
  instanceId: '3f1c2a7e-0000-4000-8000-000000000001',
});

function make(options: unknown, src: DetectionSource, signal: 'traces' | 'logs' | 'metrics' = 'traces') {
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  const next = new Capture();
  const p = new ResourceDetectionProcessor({ ...testSettings('resourcedetection'), logger: createLogger('info', sink) }, config.parse(options), signal, next, src);
  return { p, next, lines };
}

describe('resourcedetection detectors', () => {
  it('system, process and k8s give the documented attributes', () => {
    const { attributes } = detect(['system', 'process', 'k8s'], source({ POD_NAME: 'worker-0', POD_NAMESPACE: 'genrf', NODE_NAME: 'node-a' }));
    expect(attrs(attributes)).toEqual({
      'host.name': 'gpu-node-7',
      'os.type': 'linux',
      'host.arch': 'amd64',
      'process.pid': 4242n,
      'service.instance.id': '3f1c2a7e-0000-4000-8000-000000000001',
      'k8s.pod.name': 'worker-0',
      'k8s.namespace.name': 'genrf',
      'k8s.node.name': 'node-a',
    });
  });

  it('k8s prefers the K8S_ names and skips what is not set', () => {
    const { attributes } = detect(['k8s'], source({ K8S_POD_NAME: 'a', POD_NAME: 'b', K8S_NAMESPACE: 'ns' }));
    expect(attrs(attributes)).toEqual({ 'k8s.pod.name': 'a', 'k8s.namespace.name': 'ns' });
  });

  it('env reads OTEL_RESOURCE_ATTRIBUTES (percent-decoded); the first detector listed wins', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, host.name=from-env,team=rf%2Cdsp' };
    expect(attrs(detect(['env', 'system'], source(env)).attributes)).toMatchObject({ 'deployment.environment': 'prod', 'host.name': 'from-env', team: 'rf,dsp' });
    expect(attrs(detect(['system', 'env'], source(env)).attributes)['host.name']).toBe('gpu-node-7');
  });

  it('a malformed OTEL_RESOURCE_ATTRIBUTES is ignored as a whole, with a warning that says why', () => {
    expect(parseResourceAttributes('a=1,oops')).toMatch(/"oops" is not key=value/);
    const { p, lines } = make({ detectors: ['env'] }, source({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,oops' }));
    expect(p.detected).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/OTEL_RESOURCE_ATTRIBUTES is ignored/)]);
  });

  it('service.instance.id is one UUID per daemon run', () => {
    const a = processSource().instanceId;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(processSource().instanceId).toBe(a);
  });
});

describe('resourcedetection processor', () => {
  it('adds what is missing and never overwrites what the sender set', async () => {
    const { p, next } = make({ detectors: ['system', 'k8s'] }, source({ K8S_POD_NAME: 'worker-0' }));
    await p.consume(protoBatch('traces', traces({ service: 'genrf-worker', resource: { 'host.name': 'sender-host' }, records: [span('a')] }, { service: 'genrf-api', records: [span('b')] })));
    const rs = next.data<'traces'>().resourceSpans.map((r) => attrs(r.resource.attributes));
    expect(rs[0]).toEqual({ 'service.name': 'genrf-worker', 'host.name': 'sender-host', 'os.type': 'linux', 'host.arch': 'amd64', 'k8s.pod.name': 'worker-0' });
    expect(rs[1]['host.name']).toBe('gpu-node-7');
  });

  it("override: true replaces the sender's values", async () => {
    const { p, next } = make({ detectors: ['system'], override: true }, source(), 'logs');
    await p.consume(protoBatch('logs', logs({ resource: { 'host.name': 'sender-host' }, records: [logRecord(9, 'x')] })));
    expect(attrs(next.data<'logs'>().resourceLogs[0].resource.attributes)['host.name']).toBe('gpu-node-7');
  });

  it('works on metrics; resources do not share value objects', async () => {
    const { p, next } = make({ detectors: ['system'] }, source(), 'metrics');
    await p.consume(protoBatch('metrics', metrics({ records: [gauge('g', [{}])] }, { records: [gauge('h', [{}])] })));
    const [a, b] = next.data<'metrics'>().resourceMetrics.map((r) => r.resource.attributes.find((kv) => kv.key === 'host.name')!);
    expect(a.value.stringValue).toBe('gpu-node-7');
    expect(a.value).not.toBe(b.value);
  });

  it('config: needs detectors, knows their names, refuses duplicates', () => {
    expect(config.safeParse({}).success).toBe(false);
    expect(config.safeParse({ detectors: ['ec2'] }).error!.issues[0].path).toEqual(['detectors', 0]);
    expect(config.safeParse({ detectors: ['env', 'env'] }).error!.issues[0].message).toMatch(/once/);
    expect(resourceDetectionProcessorFactory.config.parse({ detectors: ['env'] })).toEqual({ detectors: ['env'], override: false });
  });
});

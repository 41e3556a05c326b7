import { describe, expect, it } from 'vitest';
import { Batch } from '../../../../src/pdata/batch.ts';
import { decodeProto, encodeProto } from '../../../../src/pdata/proto/index.ts';
import { SHAPES } from '../../../../src/pdata/shape.ts';
import type { Signal, SignalData } from '../../../../src/pdata/types.ts';
import type { Processor } from '../../../../src/pipeline/component.ts';
import { resourceProcessorFactory } from '../../../../src/processors/resource/factory.ts';
import { resourceDetectionProcessorConfig } from '../../../../src/processors/resourcedetection/config.ts';
import { ResourceDetectionProcessor } from '../../../../src/processors/resourcedetection/processor.ts';
import { testSettings } from '../../receivers/otlp/helpers.ts';
import { build, Capture, gauge, logRecord, logs, metrics, span, traces } from '../attributes/fixtures.ts';

// The resource and resourcedetection processors keep protobuf batches as bytes (only the
// resource messages are rewritten) and give exactly what they give on decoded data.

const RESOURCES: Array<Record<string, string | number | bigint | boolean>> = [
  {},
  { 'host.name': 'node-1', owner: 'alice@example.com', env: 'staging' },
  { 'deployment.environment': 'test', 'host.ip': '10.0.0.1', 'process.pid': 42n, ratio: 0.5, on: true },
  { email: 'bob@example.com', 'k8s.pod.name': 'worker-7', 'service.version': '1.2.3', count: '17' },
];

function data<S extends Signal>(signal: S): SignalData[S] {
  const groups = RESOURCES.map((resource, i) => ({ service: i === 0 ? undefined : `genrf-${i % 2 === 0 ? 'worker' : 'api'}`, resource }));
  if (signal === 'traces') return traces(...groups.map((g) => ({ ...g, records: [span('a', { owner: 'x' }), span('b')] }))) as SignalData[S];
  if (signal === 'logs') return logs(...groups.map((g) => ({ ...g, records: [logRecord(9, 'hello', { email: 'y' })] }))) as SignalData[S];
  return metrics(...groups.map((g) => ({ ...g, records: [gauge('g', [{ a: 'b' }, {}])] }))) as SignalData[S];
}

const CONFIGS: Array<Record<string, unknown>> = [
  { attributes: [{ key: 'deployment.environment', action: 'upsert', value: 'prod' }] },
  { attributes: [{ key: 'deployment.environment', action: 'insert', value: 'prod' }] },
  {
    attributes: [
      { key: 'env', action: 'update', value: 'prod' },
      { key: 'copy', action: 'upsert', from_attribute: 'host.name' },
    ],
  },
  {
    attributes: [
      { key: 'host.ip', action: 'delete' },
      { pattern: '^k8s\\.', action: 'delete' },
    ],
  },
  {
    attributes: [
      { key: 'owner', action: 'hash' },
      { pattern: 'mail$', action: 'hash' },
    ],
  },
  { attributes: [{ key: 'email', action: 'extract', pattern: '^(?<user>[^@]+)@(?<domain>.+)$' }] },
  {
    attributes: [
      { key: 'count', action: 'convert', converted_type: 'int' },
      { key: 'process.pid', action: 'convert', converted_type: 'string' },
    ],
  },
  {
    attributes: [
      { key: 'tier', action: 'insert', value: 1 },
      { key: 'on', action: 'delete' },
    ],
    include: { service_name_prefix: 'genrf-' },
  },
  { attributes: [{ key: 'tier', action: 'upsert', value: true }], exclude: { resource_attributes: { 'deployment.environment': 'test' } } },
  {
    attributes: [
      { key: 'service.name', action: 'delete' },
      { key: 'host.name', action: 'delete' },
      { key: 'owner', action: 'delete' },
      { key: 'env', action: 'delete' },
    ],
  },
];

/** What `processor` hands on for the batch as bytes and for the same batch decoded, and whether the bytes stayed bytes. */
async function both<S extends Signal>(make: () => { processor: Processor; next: Capture }, signal: S, bytes: Uint8Array) {
  const fast = make();
  await fast.processor.consume(Batch.fromProto(signal, bytes, -1));
  const out = fast.next.batches[0] as Batch<S>;
  const stayedBytes = !out.decoded;
  const slow = make();
  await slow.processor.consume(Batch.of(signal, decodeProto(signal, bytes)));
  return { fast: decodeProto(signal, out.toProto()), slow: decodeProto(signal, slow.next.batches[0].toProto()), stayedBytes, items: out.items };
}

describe('resource processor: the protobuf fast path', () => {
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    it(`${signal}: every action gives what the decode path gives, without decoding the batch`, async () => {
      const bytes = encodeProto(signal, data(signal));
      const items = Batch.fromProto(signal, bytes).items;
      for (const options of CONFIGS) {
        const r = await both(() => build(resourceProcessorFactory, options, signal), signal, bytes);
        expect(r.stayedBytes, JSON.stringify(options)).toBe(true);
        expect(r.fast, JSON.stringify(options)).toEqual(r.slow);
        expect(r.items).toBe(items);
      }
    });
  }

  it('really changes the bytes (upsert on every resource)', async () => {
    const r = await both(() => build(resourceProcessorFactory, CONFIGS[0], 'logs'), 'logs', encodeProto('logs', data('logs')));
    expect(r.fast.resourceLogs.map((rl) => rl.resource.attributes.find((a) => a.key === 'deployment.environment')?.value.stringValue)).toEqual(['prod', 'prod', 'prod', 'prod']);
  });
});

describe('resourcedetection processor: the protobuf fast path', () => {
  const source = { env: { OTEL_RESOURCE_ATTRIBUTES: 'env=from-env,team=rf' }, hostname: 'gpu-node-7', platform: 'linux', arch: 'x64', pid: 4242, instanceId: 'i-1' };
  for (const override of [false, true]) {
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      it(`${signal}, override ${override}: gives what the decode path gives, without decoding the batch`, async () => {
        const make = () => {
          const next = new Capture();
          const config = resourceDetectionProcessorConfig.parse({ detectors: ['env', 'system', 'process'], override });
          return { processor: new ResourceDetectionProcessor(testSettings('resourcedetection'), config, signal, next, source), next };
        };
        const r = await both(make, signal, encodeProto(signal, data(signal)));
        expect(r.stayedBytes).toBe(true);
        expect(r.fast).toEqual(r.slow);
        const entries = SHAPES[signal].resources(r.fast).map((e) => SHAPES[signal].resource(e));
        expect(entries.map((e) => e.attributes.find((a) => a.key === 'host.name')?.value.stringValue)).toEqual(
          override ? ['gpu-node-7', 'gpu-node-7', 'gpu-node-7', 'gpu-node-7'] : ['gpu-node-7', 'node-1', 'gpu-node-7', 'gpu-node-7'],
        );
      });
    }
  }
});

import { describe, expect, it } from 'vitest';
import { otlpReceiverConfig } from '../../../../src/receivers/otlp/config.ts';
import { otlpReceiverFactory } from '../../../../src/receivers/otlp/factory.ts';
import type { OtlpReceiver } from '../../../../src/receivers/otlp/receiver.ts';
import { testSettings } from './helpers.ts';

describe('otlp receiver config', () => {
  it('turns a bare `grpc:` (null) into the defaults and leaves http off', () => {
    const c = otlpReceiverConfig.parse({ protocols: { grpc: null } });
    expect(c.protocols.grpc).toEqual({ endpoint: '127.0.0.1:4317', max_recv_msg_size_mib: 4, max_items_per_request: 65_536, max_concurrent_streams: 100, include_metadata: false });
    expect(c.protocols.http).toBeUndefined();
  });

  it('has the documented HTTP defaults', () => {
    const c = otlpReceiverConfig.parse({ protocols: { http: null } });
    expect(c.protocols.http).toEqual({
      endpoint: '127.0.0.1:4318',
      max_request_body_size: 20 * 1024 * 1024,
      max_items_per_request: 65_536,
      traces_url_path: '/v1/traces',
      metrics_url_path: '/v1/metrics',
      logs_url_path: '/v1/logs',
      max_concurrent_requests: 1000,
      read_header_timeout: 10_000,
      read_timeout: 30_000,
      idle_timeout: 60_000,
      include_metadata: false,
    });
  });

  it.each([{}, { protocols: {} }])('asks for at least one protocol (%j)', (input) => {
    const r = otlpReceiverConfig.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toContain('enable at least one protocol: add `grpc:` and/or `http:` under protocols');
  });

  it('refuses unknown keys and bad endpoints', () => {
    expect(otlpReceiverConfig.safeParse({ protocols: { http: { max_body: 1 } } }).success).toBe(false);
    const r = otlpReceiverConfig.safeParse({ protocols: { grpc: { endpoint: 'localhost' } } });
    expect(r.error!.issues[0].message).toMatch(/expected host:port/);
  });

  it('opens nothing when built (validate builds every component)', async () => {
    const config = otlpReceiverConfig.parse({ protocols: { grpc: null, http: null } });
    const r = otlpReceiverFactory.create(testSettings(), config, {}) as OtlpReceiver;
    expect(r.addresses).toEqual({ http: undefined, grpc: undefined });
    expect(r.health().healthy).toBe(false);
    await r.shutdown();
  });
});

// Clean attribute values are remembered per key (a few per key, short ones only), so a
// repeated value is passed by a comparison instead of a scan. What a user cares about: a
// remembered value never lets a secret through, every redaction of a repeated secret is
// counted, and the memory it takes is bounded.
import { describe, expect, it, vi } from 'vitest';
import type { LogsData } from '../../../../src/pdata/types.ts';
import { kv, logs } from '../../../fixtures/redaction/pii-classes.ts';
import { make } from './helpers.ts';

const EMAIL = 'alice.smith@example.com';

function attrs(data: LogsData) {
  return data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes;
}

describe('redaction: clean attribute values remembered per key', () => {
  it('a value seen clean is not scanned again under the same key', () => {
    const { p } = make();
    const scans = vi.spyOn(p.scrubber, 'scrubString');
    for (let i = 0; i < 50; i++) p.process('logs', logs({ body: { stringValue: 'x' }, attributes: [kv('genrf.circuit_type', i % 2 ? 'LNA' : 'mixer')] }));
    const scanned = scans.mock.calls.map(([s]) => s).filter((s) => s === 'LNA' || s === 'mixer');
    expect(scanned).toEqual(['mixer', 'LNA']);
  });

  it('a secret is redacted and counted every time it comes, under a key that has clean values remembered', async () => {
    const { p, settings } = make();
    let redacted = 0;
    for (let i = 0; i < 20; i++) {
      const data = logs({ body: { stringValue: 'x' }, attributes: [kv('user', i % 2 ? EMAIL : 'anonymous')] });
      p.process('logs', data);
      const user = attrs(data).find((a) => a.key === 'user')?.value.stringValue;
      expect(user).toBe(i % 2 ? '[REDACTED:email]' : 'anonymous');
      if (user === '[REDACTED:email]') redacted++;
    }
    expect(redacted).toBe(10);
    expect(await settings.metrics.render()).toMatch(/genrf_collector_redactions_total\{processor="redaction\/pii",detector="email"\} 10/);
  });

  it('remembers a few values per key and nothing long: other values are scanned each time', () => {
    const { p } = make();
    const scans = vi.spyOn(p.scrubber, 'scrubString');
    const values = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    const long = `run ${'x'.repeat(200)}`;
    for (let round = 0; round < 3; round++) {
      for (const v of values) p.process('logs', logs({ body: { stringValue: 'x' }, attributes: [kv('k', v)] }));
      p.process('logs', logs({ body: { stringValue: 'x' }, attributes: [kv('k2', long)] }));
    }
    const calls = scans.mock.calls.map(([s]) => s);
    // Six values cycling through four slots: each one has been pushed out before it comes back.
    for (const v of values) expect(calls.filter((s) => s === v)).toHaveLength(3);
    expect(calls.filter((s) => s === long)).toHaveLength(3);
  });

  it('log bodies are always scanned (they rarely repeat; remembering them would cost memory for nothing)', () => {
    const { p } = make();
    const scans = vi.spyOn(p.scrubber, 'scrubString');
    for (let i = 0; i < 5; i++) p.process('logs', logs({ body: { stringValue: 'generation accepted' } }));
    expect(scans.mock.calls.filter(([s]) => s === 'generation accepted')).toHaveLength(5);
  });
});

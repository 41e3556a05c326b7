import { describe, expect, it } from 'vitest';
import { Batch } from '../../../src/pdata/batch.ts';
import type { LogsData } from '../../../src/pdata/types.ts';
import { TapPoint, TapSession } from '../../../src/pipeline/tap.ts';
import type { Consumer } from '../../../src/pipeline/consumer.ts';

const logs = (scopes: Record<string, number>): Batch<'logs'> =>
  Batch.of('logs', {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeLogs: Object.entries(scopes).map(([name, n]) => ({
          scope: { name, version: '', attributes: [], droppedAttributesCount: 0 },
          logRecords: Array.from({ length: n }, (_, i) => ({
            timeUnixNano: 0n,
            observedTimeUnixNano: 0n,
            severityNumber: 9,
            severityText: '',
            body: { stringValue: `${name}-${i}` },
            attributes: [],
            droppedAttributesCount: 0,
            flags: 0,
            traceId: '',
            spanId: '',
            eventName: '',
          })),
          schemaUrl: '',
        })),
        schemaUrl: '',
      },
    ],
  } as LogsData);

const bodies = (otlp: string) => (JSON.parse(otlp) as any).resourceLogs.flatMap((r: any) => r.scopeLogs.flatMap((s: any) => s.logRecords.map((l: any) => l.body.stringValue)));

describe('tap', () => {
  it('passes every batch on untouched, with or without a listener', async () => {
    const seen: Batch[] = [];
    const inner: Consumer = {
      mutates: true,
      consume: async (b) => {
        seen.push(b);
      },
    };
    const point = new TapPoint({ key: 'x@logs', kind: 'processor', id: 'x', pipeline: 'logs', signal: 'logs', side: 'out' }, inner);
    expect(point.mutates).toBe(true);
    const a = logs({ app: 2 });
    await point.consume(a);
    const session = new TapSession({ ratePerSecond: 10, limit: 0, buffer: 4, wake: () => {} });
    const detach = point.attach(session.listener);
    const b = logs({ app: 3 });
    await point.consume(b);
    detach();
    await point.consume(logs({ app: 1 }));
    expect(seen).toHaveLength(3);
    expect(seen[1]).toBe(b);
    expect(session.take().map((s) => s.records)).toEqual([3]);
  });

  it('samples at most the rate, drops samples (never records) for a slow reader, and stops at the limit', () => {
    let now = 0;
    const session = new TapSession({ ratePerSecond: 5, limit: 0, buffer: 2, wake: () => {}, now: () => now });
    session.listener(logs({ app: 4 }));
    session.listener(logs({ app: 4 })); // one token left
    session.listener(logs({ app: 4 })); // no token, and the buffer is full anyway
    expect(session.take().map((s) => s.records)).toEqual([4, 1]);
    expect(session.skipped).toBe(3 + 4);
    now += 1000;
    session.listener(logs({ app: 1 }));
    session.listener(logs({ app: 1 }));
    session.listener(logs({ app: 1 })); // buffer full: dropped
    expect(session.dropped).toBe(1);
    expect(session.take()).toHaveLength(2);

    const limited = new TapSession({ ratePerSecond: 100, limit: 3, buffer: 8, wake: () => {}, now: () => now });
    limited.listener(logs({ app: 2 }));
    limited.listener(logs({ app: 2 }));
    limited.listener(logs({ app: 2 }));
    expect(limited.done).toBe(true);
    expect(limited.take().map((s) => s.records)).toEqual([2, 1]);
  });

  it('withholds what the filter removes before it picks records', () => {
    const session = new TapSession({
      ratePerSecond: 100,
      limit: 2,
      buffer: 8,
      wake: () => {},
      filter: (_signal, data) => {
        const d = data as LogsData;
        const kept = d.resourceLogs.map((r) => ({ ...r, scopeLogs: r.scopeLogs.filter((s) => s.scope.name !== 'secret') }));
        return { data: { resourceLogs: kept } as never, withheld: d.resourceLogs[0].scopeLogs.filter((s) => s.scope.name === 'secret').reduce((n, s) => n + s.logRecords.length, 0) };
      },
    });
    session.listener(logs({ secret: 3, app: 1 }));
    session.listener(logs({ secret: 3, app: 1 }));
    const samples = session.take();
    expect(samples.flatMap((s) => bodies(s.otlp))).toEqual(['app-0', 'app-0']);
    expect(session.withheld).toBe(6);
    expect(session.done).toBe(true);
  });
});

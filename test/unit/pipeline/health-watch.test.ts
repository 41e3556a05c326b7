import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { Health } from '../../../src/pipeline/component.ts';
import { HealthWatch } from '../../../src/pipeline/health-watch.ts';

function capture() {
  const lines: { level: number; msg: string; component?: string; reason?: string; unhealthy_seconds?: number }[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('HealthWatch', () => {
  test('logs each transition to unhealthy and back once, with the component and the reason', () => {
    const { logger, lines } = capture();
    let health: Health = { healthy: true };
    const other: Health = { healthy: true };
    const watch = new HealthWatch(
      () => [
        { id: 'exporter/file@logs', health: () => health },
        { id: 'receiver/otlp', health: () => other },
      ],
      logger,
    );
    watch.check(1000);
    expect(lines).toEqual([]);
    health = { healthy: false, message: 'cannot write /data/genrf.jsonl: ENOSPC: no space left on device' };
    watch.check(2000);
    // Still unhealthy, with a reason that changes (a count): no new line.
    health = { healthy: false, message: 'cannot write /data/genrf.jsonl: ENOSPC: no space left on device (2 retries)' };
    watch.check(3000);
    watch.check(4000);
    health = { healthy: true, message: 'replaying 5 log records' };
    watch.check(6500);
    watch.check(7500);
    expect(lines.map((l) => ({ level: l.level, component: l.component, reason: l.reason, msg: l.msg, s: l.unhealthy_seconds }))).toEqual([
      {
        level: 40,
        component: 'exporter/file@logs',
        reason: 'cannot write /data/genrf.jsonl: ENOSPC: no space left on device',
        msg: 'exporter/file@logs is unhealthy: cannot write /data/genrf.jsonl: ENOSPC: no space left on device',
        s: undefined,
      },
      {
        level: 30,
        component: 'exporter/file@logs',
        reason: undefined,
        msg: 'exporter/file@logs is healthy again after 4.5 s unhealthy (cannot write /data/genrf.jsonl: ENOSPC: no space left on device)',
        s: 4.5,
      },
    ]);
    // And again: a second outage is a second transition.
    health = { healthy: false, message: 'down' };
    watch.check(8000);
    expect(lines.at(-1)?.msg).toBe('exporter/file@logs is unhealthy: down');
    expect(lines).toHaveLength(3);
  });
});

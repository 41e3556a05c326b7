// CreateSettings for a component under test: real SelfMetrics, and a logger whose lines are
// kept (parsed) so a test can assert on what the component logged.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { CreateSettings } from '../../src/pipeline/component.ts';
import { parseComponentId, type ComponentId } from '../../src/pipeline/component-id.ts';
import { SelfMetrics } from '../../src/telemetry/metrics.ts';

export interface TestSettings extends CreateSettings {
  metrics: SelfMetrics;
  /** Log lines written (debug and up), parsed. */
  logs: Array<Record<string, unknown>>;
}

export function testSettings(id = 'test', shutdownTimeoutMs = 2000): TestSettings {
  const cid = parseComponentId(id);
  if (typeof cid === 'string') throw new Error(cid);
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      cb();
    },
  });
  const logger: Logger = pino({ level: 'debug' }, sink);
  return { id: cid as ComponentId, logger, metrics: new SelfMetrics(), shutdownTimeoutMs, logs };
}

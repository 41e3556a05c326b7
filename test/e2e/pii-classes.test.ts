// Issue 13's class corpus through the real daemon, every signal over OTLP/HTTP JSON, the
// redaction processor with its defaults and the daemon logging at debug level: no planted
// value in the output file nor in the daemon's log, and under 1% of look-alikes altered.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeJson } from '../../src/pdata/json/index.ts';
import type { LogsData, MetricsData, Signal, TracesData } from '../../src/pdata/types.ts';
import { needles, piiCorpus, type PiiCase } from '../fixtures/redaction/pii-classes.ts';
import { freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { postOtlp, readJsonLines, waitForRecords } from './helpers/otlp.ts';

let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.stop();
});

function merge(signal: Signal, cases: PiiCase[]): string {
  if (signal === 'logs') return encodeJson('logs', { resourceLogs: cases.flatMap((c) => (c.data as LogsData).resourceLogs) });
  if (signal === 'traces') return encodeJson('traces', { resourceSpans: cases.flatMap((c) => (c.data as TracesData).resourceSpans) });
  return encodeJson('metrics', { resourceMetrics: cases.flatMap((c) => (c.data as MetricsData).resourceMetrics) });
}

describe('the PII class corpus through the daemon (issue 13)', () => {
  it('leaves no planted value in the output or the debug log, and alters under 1% of look-alikes', async () => {
    const dir = await tempDir('genrf-pii-');
    const port = await freePort();
    const out = join(dir, 'security.jsonl');
    daemon = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }
processors:
  redaction/pii: {}
exporters:
  file/security: { path: ${out}, flush_interval: 100ms }
service:
  telemetry: { metrics: { address: "" }, logs: { level: debug } }
  pipelines:
    logs: { receivers: [otlp], processors: [redaction/pii], exporters: [file/security] }
    traces: { receivers: [otlp], processors: [redaction/pii], exporters: [file/security] }
    metrics: { receivers: [otlp], processors: [redaction/pii], exporters: [file/security] }
`,
      { dir },
    );
    const cases = [...piiCorpus().values()].flat();
    const counts: Record<Signal, number> = { logs: 0, traces: 0, metrics: 0 };
    for (const signal of ['logs', 'traces', 'metrics'] as const) {
      const mine = cases.filter((c) => c.signal === signal);
      counts[signal] = mine.length;
      for (let i = 0; i < mine.length; i += 200) {
        const res = await postOtlp(port, `/v1/${signal}`, merge(signal, mine.slice(i, i + 200)));
        expect(res.status, res.text).toBe(200);
      }
    }
    await waitForRecords(out, 'logs', counts.logs, 30_000);
    await waitForRecords(out, 'traces', counts.traces, 30_000);
    await waitForRecords(out, 'metrics', counts.metrics, 30_000);
    const file = await readFile(out, 'utf8');
    // Bytes are base64 in OTLP JSON: decode every bytesValue so text inside them is seen too.
    const decoded = (await readJsonLines(out)).map((l) => JSON.stringify(l, (k, v) => (k === 'bytesValue' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v))).join('\n');
    const everything = `${file}\n${decoded}\n${daemon.stderr()}\n${daemon.stdout()}`;
    const planted = cases.flatMap((c) => c.planted);
    const leaked = planted.filter((p) => needles(p).some((n) => everything.includes(n)));
    expect(planted.length).toBeGreaterThan(2500);
    expect(leaked).toEqual([]);
    const lookalikes = cases.flatMap((c) => c.lookalikes.map((l) => l.value));
    const altered = lookalikes.filter((v) => !needles(v).some((n) => everything.includes(n)));
    expect(altered.length / lookalikes.length, altered.slice(0, 10).join('\n')).toBeLessThan(0.01);
  }, 120_000);
});

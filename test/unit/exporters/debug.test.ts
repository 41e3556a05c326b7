import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDebugExporter } from '../../../src/exporters/debug/debug-exporter.ts';
import { debugExporterFactory } from '../../../src/exporters/debug/factory.ts';
import { logsBatch, testSettings } from './fixtures.ts';

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => {
    text += String(c);
  });
  return { out, text: () => text };
}

function make(raw: Record<string, unknown>) {
  const cap = capture();
  const exp = createDebugExporter(testSettings('debug'), debugExporterFactory.config.parse(raw), 'logs', cap.out);
  return { exp, text: cap.text };
}

describe('debug exporter', () => {
  it('defaults: basic, sampling 2 then 1, no queue', () => {
    const c = debugExporterFactory.config.parse({});
    expect(c).toMatchObject({ verbosity: 'basic', sampling_initial: 2, sampling_thereafter: 1, sending_queue: { enabled: false } });
  });

  it('basic prints one summary line per batch', async () => {
    const { exp, text } = make({});
    await exp.consume(logsBatch(3));
    await exp.consume(logsBatch(2));
    expect(text()).toBe('debug logs: 1 resource logs, 3 log records\ndebug logs: 1 resource logs, 2 log records\n');
  });

  it('normal prints one line per record with its body and attributes', async () => {
    const { exp, text } = make({ verbosity: 'normal' });
    await exp.consume(logsBatch(2, 'payment ok'));
    const lines = text().trimEnd().split('\n');
    expect(lines[1]).toContain('service.name=checkout');
    const records = lines.filter((l) => l.includes('payment ok'));
    expect(records).toEqual(['      2023-11-14T22:13:20.000Z INFO payment ok 0 n=0', '      2023-11-14T22:13:20.000Z INFO payment ok 1 n=1']);
  });

  it('detailed prints every field', async () => {
    const { exp, text } = make({ verbosity: 'detailed' });
    await exp.consume(logsBatch(1, 'x'));
    for (const f of ['severityNumber: 9', 'severityText: INFO', 'body: x 0', 'n: 0', 'traceId: ', 'flags: 0', 'eventName: ', 'timeUnixNano: 2023-11-14T22:13:20.000Z (1700000000000000000)']) {
      expect(text()).toContain(f);
    }
  });

  it('samples: the first N batches a second, then every Mth', async () => {
    const { exp, text } = make({ sampling_initial: 2, sampling_thereafter: 3 });
    for (let i = 1; i <= 8; i++) await exp.consume(logsBatch(i));
    // printed: 1st, 2nd, then the 5th and 8th (every 3rd after the first two)
    expect(
      text()
        .trimEnd()
        .split('\n')
        .map((l) => Number(/(\d+) log records/.exec(l)![1])),
    ).toEqual([1, 2, 5, 8]);
  });
});

// SIGHUP reloads the pipeline files: a valid change takes effect, an invalid one is refused
// with its problems logged, and the running pipelines keep serving.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitFor } from './helpers/daemon.ts';
import { logsRequest, postOtlp } from './helpers/otlp.ts';

const config = (port: number, file: string) => `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }
exporters:
  file: { path: ${file}, flush_interval: 0s }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [file] }
`;

async function lines(file: string): Promise<number> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe('SIGHUP', () => {
  it('applies a valid change, refuses a broken one and keeps serving', async () => {
    const dir = await tempDir();
    const port = await freePort();
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    const d = await startDaemon(config(port, a), { dir });
    try {
      expect((await postOtlp(port, '/v1/logs', JSON.stringify(logsRequest('one', 1)))).status).toBe(200);
      await waitFor(async () => (await lines(a)) === 1);

      // A valid change: the exporter writes to another file.
      await writeFile(d.configPath, config(port, b));
      d.proc.kill('SIGHUP');
      await waitFor(() => d.stderr().includes('reload: done'), 15_000);
      expect((await postOtlp(port, '/v1/logs', JSON.stringify(logsRequest('two', 1)))).status).toBe(200);
      await waitFor(async () => (await lines(b)) === 1);
      expect(await lines(a)).toBe(1);

      // A broken change: refused with its problem and position; the pipelines keep running.
      await writeFile(d.configPath, `${config(port, b)}\nprocessors:\n  batch: { send_batch_sise: 10 }\n`);
      d.proc.kill('SIGHUP');
      await waitFor(() => d.stderr().includes('reload refused'), 15_000);
      expect(d.stderr()).toMatch(/send_batch_sise/);
      expect((await postOtlp(port, '/v1/logs', JSON.stringify(logsRequest('three', 1)))).status).toBe(200);
      await waitFor(async () => (await lines(b)) === 2);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });
});

// pipelines/default.yaml runs as shipped. It binds the fixed default ports, so on a
// developer's machine the test is skipped (with the reason printed) when one of them is
// already taken; in CI (CI=true or REQUIRE_SERVICES=1) a taken port is a failure instead.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, waitFor } from './helpers/daemon.ts';
import { logBodies, logsRequest, postOtlp, waitForRecords } from './helpers/otlp.ts';

const PORTS = [4317, 4318, 8888, 8889, 13133];

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const taken: number[] = [];
for (const p of PORTS) if (!(await isFree(p))) taken.push(p);
const strict = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';
if (taken.length > 0 && strict) {
  throw new Error(`pipelines/default.yaml binds ${PORTS.join(', ')}, but port(s) ${taken.join(', ')} are already taken on this machine`);
}
if (taken.length > 0) {
  console.warn(`default-pipeline.test.ts skipped: port(s) ${taken.join(', ')} already taken on this machine; pipelines/default.yaml binds ${PORTS.join(', ')}`);
}

describe.skipIf(taken.length > 0)(`pipelines/default.yaml${taken.length > 0 ? ` (skipped: ports ${taken.join(', ')} in use)` : ''}`, () => {
  it('runs as is and writes an OTLP/HTTP log record to $GENRF_DATA_DIR/genrf.jsonl', async () => {
    const data = await tempDir();
    const daemon = runCli(['run', '--config', 'pipelines/default.yaml'], { GENRF_DATA_DIR: data });
    let ok = false;
    try {
      await waitFor(
        () => daemon.stderr().includes('the daemon is running'),
        15_000,
        async () => {
          if (daemon.proc.exitCode !== null) throw new Error(`daemon exited with ${daemon.proc.exitCode}:\n${daemon.stderr()}`);
        },
      );
      const res = await postOtlp(4318, '/v1/logs', JSON.stringify(logsRequest('default', 1)));
      expect(res.status, res.text).toBe(200);
      const lines = await waitForRecords(join(data, 'genrf.jsonl'), 'logs', 1);
      expect(logBodies(lines)).toEqual(['default-0']);
      const health = await fetch('http://127.0.0.1:13133/health');
      expect(health.status).toBe(200);
      const metrics = await (await fetch('http://127.0.0.1:8888/metrics')).text();
      expect(metrics).toMatch(/otelcol_receiver_accepted_log_records_total\{receiver="otlp",transport="http"\} 1/);
      ok = true;
    } finally {
      const code = await daemon.stop();
      // Only when the test got this far: an earlier failure's message must not be masked.
      if (ok) expect(code, daemon.stderr()).toBe(0);
    }
  });
});

// pipelines/default.yaml runs as shipped. Its listen addresses are fixed (4317, 4318, 8888,
// 8889, 13133); a second --config file, merged over it, moves only those to free ports, so
// the test never collides with another test file or a daemon left running, and never skips.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../helpers/net.ts';
import { runCli, tempDir, untilRunning } from './helpers/daemon.ts';
import { logBodies, logsRequest, postOtlp, waitForRecords } from './helpers/otlp.ts';

const DEFAULT = 'pipelines/default.yaml';

describe(DEFAULT, () => {
  it('ships the documented listen addresses', async () => {
    const yaml = await readFile(DEFAULT, 'utf8');
    for (const port of [4317, 4318, 8888, 8889, 13133]) expect(yaml).toMatch(new RegExp(`^\\s*(endpoint|metrics): .*127\\.0\\.0\\.1:${port}\\b`, 'm'));
  });

  it('runs as is and writes an OTLP/HTTP log record to $GENRF_DATA_DIR/genrf.jsonl', async () => {
    const data = await tempDir();
    const [grpc, http, prom, health, metrics] = await freePorts(5);
    const ports = join(data, 'ports.yaml');
    await writeFile(
      ports,
      `receivers: { otlp: { protocols: { grpc: { endpoint: 127.0.0.1:${grpc} }, http: { endpoint: 127.0.0.1:${http} } } } }
exporters: { prometheus: { endpoint: 127.0.0.1:${prom} } }
extensions: { health_check: { endpoint: 127.0.0.1:${health} } }
service: { telemetry: { metrics: { address: 127.0.0.1:${metrics} } } }
`,
    );
    const daemon = runCli(['run', '--config', DEFAULT, '--config', ports], { GENRF_DATA_DIR: data });
    let ok = false;
    try {
      await untilRunning(daemon);
      const res = await postOtlp(http, '/v1/logs', JSON.stringify(logsRequest('default', 1)));
      expect(res.status, res.text).toBe(200);
      const lines = await waitForRecords(join(data, 'genrf.jsonl'), 'logs', 1);
      expect(logBodies(lines)).toEqual(['default-0']);
      const healthRes = await fetch(`http://127.0.0.1:${health}/health`);
      expect(healthRes.status).toBe(200);
      const self = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
      expect(self).toMatch(/otelcol_receiver_accepted_log_records_total\{receiver="otlp",transport="http"\} 1/);
      expect((await fetch(`http://127.0.0.1:${prom}/metrics`)).status).toBe(200);
      ok = true;
    } finally {
      const code = await daemon.stop();
      // Only when the test got this far: an earlier failure's message must not be masked.
      if (ok) expect(code, daemon.stderr()).toBe(0);
    }
  });
});

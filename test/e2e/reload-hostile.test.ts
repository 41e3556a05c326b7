// A reload never stalls the running pipelines (issue 11, item 3): while the daemon reads an
// alias bomb or a file that is costly to parse after SIGHUP, /health and OTLP keep answering
// within 100 ms, and the attempt is refused with a positioned error. On a machine so loaded
// that the same probes already take longer without a reload, the bound is twice that
// baseline (before the fix, the bomb froze the daemon for more than 12 s).
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort, startDaemon } from './helpers/daemon.ts';
import { logsRequest } from './helpers/otlp.ts';

const config = (otlp: number, health: number) => `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${otlp} } } }
exporters:
  debug: { verbosity: basic }
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`;

function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

/** Within the size limit, and costly to parse (about 1 s on an idle machine): 40,000 list entries. */
function costly(): string {
  return `receivers:\n  x:\n${'    - a\n'.repeat(40_000)}`;
}

/** Milliseconds until the answer's status line, on a fresh connection. */
function timedRequest(port: number, method: string, path: string, body?: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const ms = performance.now() - t;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a reload of a hostile pipeline file', () => {
  it('keeps /health and OTLP answering within 100 ms, and refuses the file with file:line:col', async () => {
    const otlp = await freePort();
    const health = await freePort();
    const d = await startDaemon(config(otlp, health));
    const body = JSON.stringify(logsRequest('probe', 1));
    try {
      for (const [name, text, where] of [
        ['bomb', aliasBomb(), /:3:8: error CFG_YAML_ALIASES/],
        ['costly', costly(), /CFG_UNKNOWN_TYPE/],
      ] as const) {
        const refusalsBefore = d.stderr().split('reload refused').length;
        await writeFile(d.configPath, text);
        d.proc.kill('SIGHUP');
        const worst = { health: 0, otlp: 0 };
        let probes = 0;
        while (d.stderr().split('reload refused').length === refusalsBefore) {
          const [h, o] = await Promise.all([timedRequest(health, 'GET', '/health'), timedRequest(otlp, 'POST', '/v1/logs', body)]);
          expect([h.status, o.status], name).toEqual([200, 200]);
          worst.health = Math.max(worst.health, h.ms);
          worst.otlp = Math.max(worst.otlp, o.ms);
          probes++;
          if (d.proc.exitCode !== null) throw new Error(`the daemon exited:\n${d.stderr()}`);
        }
        expect(d.stderr(), name).toMatch(where);
        expect(probes, name).toBeGreaterThan(0);
        // The same number of probes without a reload: what the machine's load alone costs.
        let baseline = 0;
        for (let i = 0; i < probes; i++) {
          const [h, o] = await Promise.all([timedRequest(health, 'GET', '/health'), timedRequest(otlp, 'POST', '/v1/logs', body)]);
          baseline = Math.max(baseline, h.ms, o.ms);
        }
        const bound = Math.max(100, 2 * baseline);
        const why = (what: string) => `${name}: slowest ${what} answer (ms) over ${probes} probes; ${baseline.toFixed(1)} ms without a reload`;
        expect(worst.health, why('/health')).toBeLessThan(bound);
        expect(worst.otlp, why('OTLP')).toBeLessThan(bound);
        // Still serving after the attempt.
        expect((await timedRequest(otlp, 'POST', '/v1/logs', body)).status).toBe(200);
      }
    } finally {
      expect(await d.stop()).toBe(0);
    }
  }, 240_000);
});

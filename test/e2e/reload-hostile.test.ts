// A reload never stalls the running pipelines (issue 11, item 3): while the daemon reads an
// alias bomb or a file that is costly to parse after SIGHUP, /health and OTLP keep answering
// within 100 ms, and the attempt is refused with a positioned error. A second daemon that
// does not reload is probed in turns in the same window: on a machine so loaded that it
// answers slower than 50 ms, the reloading daemon may spend no more time beyond 100 ms than
// twice what the calm one spends, plus 250 ms (before the fix, the bomb froze it for 12 s).
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
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${method} ${path} within 5 s`)));
    req.end(body);
  });
}

describe('a reload of a hostile pipeline file', () => {
  it('keeps /health and OTLP answering within 100 ms, and refuses the file with file:line:col', async () => {
    // Two daemons probed in turns: `d` reloads, `calm` does not. Both see the same machine
    // load, so `calm` tells what the load alone costs in the same window.
    const [otlp, health, calmOtlp, calmHealth] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const d = await startDaemon(config(otlp, health), { timeoutMs: 60_000 });
    const calm = await startDaemon(config(calmOtlp, calmHealth), { timeoutMs: 60_000 });
    const body = JSON.stringify(logsRequest('probe', 1));
    const probe = async (h: number, o: number) => {
      const [a, b] = await Promise.all([timedRequest(h, 'GET', '/health'), timedRequest(o, 'POST', '/v1/logs', body)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      return Math.max(a.ms, b.ms);
    };
    try {
      for (const [name, text, where] of [
        ['bomb', aliasBomb(), /:3:8: error CFG_YAML_ALIASES/],
        ['costly', costly(), /CFG_UNKNOWN_TYPE/],
      ] as const) {
        const refusalsBefore = d.stderr().split('reload refused').length;
        await writeFile(d.configPath, text);
        d.proc.kill('SIGHUP');
        const worst = { ms: 0, excess: 0 };
        const calmWorst = { ms: 0, excess: 0 };
        const add = (w: { ms: number; excess: number }, ms: number) => {
          w.ms = Math.max(w.ms, ms);
          w.excess += Math.max(0, ms - 100);
        };
        let probes = 0;
        while (d.stderr().split('reload refused').length === refusalsBefore) {
          add(worst, await probe(health, otlp));
          add(calmWorst, await probe(calmHealth, calmOtlp));
          probes++;
          if (d.proc.exitCode !== null) throw new Error(`the daemon exited:\n${d.stderr()}`);
        }
        expect(d.stderr(), name).toMatch(where);
        expect(probes, name).toBeGreaterThan(0);
        const what = `${name}: ${probes} probes; slowest ${worst.ms.toFixed(1)} ms (calm daemon ${calmWorst.ms.toFixed(1)} ms); time beyond 100 ms ${worst.excess.toFixed(0)} ms (calm daemon ${calmWorst.excess.toFixed(0)} ms)`;
        if (calmWorst.ms < 50) {
          // A quiet machine: the requirement as written.
          expect(worst.ms, what).toBeLessThan(100);
        } else {
          // A loaded machine stalls any process now and then for 100-300 ms; a reload may cost
          // no more than that. (Before the fix: 12 s and more for the bomb, seconds for the
          // costly file.)
          expect(worst.excess, what).toBeLessThan(2 * calmWorst.excess + 250);
        }
        // Still serving after the attempt.
        expect((await timedRequest(otlp, 'POST', '/v1/logs', body)).status).toBe(200);
      }
    } finally {
      // A frozen daemon does not stop on SIGTERM either: killed after 20 s, and a failure.
      const stopped = await Promise.race([d.stop(), new Promise<string>((r) => setTimeout(() => r('did not stop within 20 s'), 20_000).unref())]);
      if (typeof stopped === 'string') d.proc.kill('SIGKILL');
      expect(stopped).toBe(0);
      expect(await calm.stop()).toBe(0);
    }
  }, 240_000);
});

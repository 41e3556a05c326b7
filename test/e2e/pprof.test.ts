// The pprof extension on the real daemon: a CPU profile taken while OTLP data flows is a V8
// .cpuprofile that names the daemon's own functions; a heap snapshot parses; one at a time;
// bad requests and a non-loopback endpoint are refused with a reason.
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { logsRequest, postOtlp } from './helpers/otlp.ts';

const SRC = resolve(import.meta.dirname, '../../src');

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

describe('pprof extension', () => {
  let daemon: Daemon | undefined;
  let http = 0;
  let pprof = 0;

  beforeAll(async () => {
    const dir = await tempDir();
    [http, pprof] = [await freePort(), await freePort()];
    daemon = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${http} } } }
processors:
  batch: { timeout: 50ms }
exporters:
  file: { path: ${join(dir, 'out.jsonl')} }
extensions:
  pprof: { endpoint: 127.0.0.1:${pprof}, max_seconds: 10 }
service:
  extensions: [pprof]
  telemetry: { metrics: { address: '' } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [file] }
`,
      { dir },
    );
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  const get = (path: string) => fetch(`http://127.0.0.1:${pprof}${path}`);

  it("a CPU profile taken under load parses and names the daemon's functions", async () => {
    const body = JSON.stringify(logsRequest('load', 200));
    let sent = 0;
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (!stop) {
          const res = await postOtlp(http, '/v1/logs', body);
          if (res.status === 200) sent++;
        }
      }),
    );
    const res = await get('/debug/pprof/profile?seconds=2');
    stop = true;
    await load;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/\.cpuprofile"$/);
    const profile = (await res.json()) as CpuProfile;
    expect(sent, 'requests accepted while profiling').toBeGreaterThan(0);
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(1.9e6); // microseconds
    expect(profile.samples.length).toBeGreaterThan(0);
    // Functions of the daemon's own source were on the CPU, under their names.
    const ours = profile.nodes.filter((n) => n.callFrame.url.includes(SRC) && n.callFrame.functionName !== '' && (n.hitCount ?? 0) > 0);
    const files = new Set(ours.map((n) => n.callFrame.url.slice(n.callFrame.url.indexOf('/src/') + 1)));
    expect(ours.length, `sampled functions of ${SRC}`).toBeGreaterThan(0);
    expect(
      [...files].some((f) => /^src\/(receivers\/otlp|pdata|exporters\/file|processors\/batch)\//.test(f)),
      [...files].join(', '),
    ).toBe(true);
  }, 30_000);

  it('one profile at a time: a second request meanwhile gets 429 with Retry-After', async () => {
    // Two at once: whichever reaches the daemon first takes the slot (for 1 s or 2 s, so they
    // overlap however late either arrives); the other is refused.
    const answers = await Promise.all([get('/debug/pprof/profile?seconds=2'), get('/debug/pprof/profile?seconds=1')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.text()).toMatch(/CPU profile is being taken/);
    await answers.find((a) => a.status === 200)!.arrayBuffer();
  }, 30_000);

  it.each([['0'], ['abc'], ['11'], ['1.5']])('seconds=%s is refused with 400 and the allowed range', async (s) => {
    const res = await get(`/debug/pprof/profile?seconds=${s}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/from 1 to 10/);
  });

  it("a heap snapshot parses and holds the daemon's objects", async () => {
    const res = await get('/debug/pprof/heap');
    expect(res.status).toBe(200);
    const snap = (await res.json()) as { snapshot: { meta: { node_fields: string[] }; node_count: number }; strings: string[] };
    expect(snap.snapshot.meta.node_fields).toContain('name');
    expect(snap.snapshot.node_count).toBeGreaterThan(1000);
    expect(snap.strings).toContain('PprofExtension');
  }, 60_000);

  it('an unknown path gets 404 with the index; POST gets 405', async () => {
    const res = await get('/debug/pprof/goroutine');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('/debug/pprof/profile?seconds=N');
    expect((await fetch(`http://127.0.0.1:${pprof}/debug/pprof/heap`, { method: 'POST' })).status).toBe(405);
  });
});

it('validate refuses a pprof endpoint that is not loopback', async () => {
  const dir = await tempDir();
  const file = join(dir, 'pprof-public.yaml');
  await import('node:fs/promises').then((fs) =>
    fs.writeFile(
      file,
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:4318 } } }
exporters:
  debug: {}
extensions:
  pprof: { endpoint: 0.0.0.0:1777 }
service:
  extensions: [pprof]
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`,
    ),
  );
  const r = await cli(['validate', '--config', file]);
  expect(r.code).not.toBe(0);
  expect(r.stderr + r.stdout).toMatch(/pprof-public\.yaml:\d+:\d+.*loopback/s);
});

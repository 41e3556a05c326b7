// Fault matrix, part 2: kill -9 while the daemon replays what an earlier kill -9 left on
// disk. The daemon relays to a second daemon (the sink) over OTLP/HTTP; the sink is down
// while the load runs, so everything acknowledged waits in the persistent queue. During the
// replay a gate between the two (the one fake here: it injects the timing) lets two sends
// through and holds the third, so the second kill lands mid-replay, with a send in flight.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { startFileSink } from '../e2e/helpers/file-sink.ts';
import { freePort, healthCheck, kill9, LONG, ports, queueSize, relayCaseConfig, settled, start, untilAcknowledged, waitFor, writeConfig } from './helpers/daemon.ts';
import { NumberedLoad } from './helpers/load.ts';
import { countInFiles, formatTally, tally } from './helpers/tally.ts';
import { record } from './helpers/report.ts';

const RATE = 10_000;
const RECORDS = LONG ? 200_000 : 40_000;

/** Forwards OTLP/HTTP requests to `target`; while `hold` is set, requests past the first `pass` wait. */
function gate(port: number, target: number) {
  const state = { passed: 0, held: [] as ServerResponse[], pass: 2, open: false };
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const out = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    out.on('error', () => res.destroy());
    out.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.open || state.passed < state.pass) {
        state.passed++;
        forward(req, Buffer.concat(chunks), res);
      } else {
        state.held.push(res);
      }
    });
  });
  return new Promise<{ state: typeof state; close(): void }>((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        state,
        close: () => {
          for (const r of state.held) r.destroy();
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

let running: Daemon[] = [];
afterEach(async () => {
  for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
  running = [];
});

describe('kill -9 during replay', () => {
  it('a second kill -9 while the first backlog is being replayed loses nothing acknowledged', async () => {
    const dir = await tempDir('genrf-fault-');
    const p = await ports();
    const sinkPort = await freePort();
    const gatePort = await freePort();
    const config = await writeConfig(dir, relayCaseConfig({ dir, ports: p, sinkPort: gatePort, fsync: 'always', numConsumers: 1 }));
    const first = await start(config);
    running.push(first);
    const load = new NumberedLoad({ port: p.otlp, rate: RATE }).start();
    await untilAcknowledged(load, RECORDS, 120_000);
    await kill9(first);
    await load.stop();

    // The sink comes up; the daemon restarts and replays its backlog into it...
    const out = join(dir, 'sink.jsonl');
    const sink = await startFileSink({ dir, http: sinkPort, out: () => out, signals: ['logs'] });
    running.push(sink);
    const g = await gate(gatePort, sinkPort);
    const second = await start(config);
    running.push(second);
    const count = async () => countInFiles([out], load.tag, 0, load.issued);
    // ...two sends arrive, the third is held: the replay is under way, with a send in flight.
    await waitFor(() => g.state.held.length > 0, 60_000);
    const seenReplaying = (await healthCheck(p.health, 'exporter/otlphttp/sink@logs'))?.match(/replaying \d+/)?.[0];
    const queued = await queueSize(p.metrics);
    await waitFor(async () => tally(load.acked, load.issued, await count()).delivered > 0, 30_000);
    const before = tally(load.acked, load.issued, await count());
    await kill9(second);
    g.state.open = true;

    const third = await start(config);
    running.push(third);
    await settled(p.metrics, async () => tally(load.acked, load.issued, await count()).delivered, 180_000);
    const t = tally(load.acked, load.issued, await count());
    g.close();
    console.log(formatTally('kill -9 during replay', t, `delivered before the second kill ${before.delivered}; health said "${seenReplaying}", queue size ${queued}`));
    record('kill -9 during replay after a first kill -9', t, { deliveredBeforeSecondKill: before.delivered });
    expect(before.delivered).toBeLessThan(t.acknowledged);
    expect(queued).toBeGreaterThan(0);
    expect(t.lost, `lost, e.g. ${t.lostSample.join(', ')}`).toBe(0);
    expect(seenReplaying).toMatch(/^replaying \d+$/);
  }, 400_000);
});

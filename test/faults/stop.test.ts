// Fault matrix, part 3: a clean stop (SIGTERM) and ten reloads (SIGHUP) under load, with a
// persistent queue: nothing acknowledged is lost and nothing is written twice.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { fileCaseConfig, kill9, LONG, ports, settled, start, untilAcknowledged, waitFor, writeConfig } from './helpers/daemon.ts';
import { NumberedLoad } from './helpers/load.ts';
import { countInFiles, formatTally, tally } from './helpers/tally.ts';
import { record } from './helpers/report.ts';

const RATE = LONG ? 10_000 : 5_000;

let running: Daemon[] = [];
afterEach(async () => {
  for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
  running = [];
});

describe('clean stops and reloads under load', () => {
  it('SIGTERM under load: 0 lost, 0 duplicated', async () => {
    const dir = await tempDir('genrf-fault-');
    const p = await ports();
    const config = await writeConfig(dir, fileCaseConfig({ dir, ports: p, fsync: 'interval' }));
    const d = await start(config);
    running.push(d);
    const load = new NumberedLoad({ port: p.otlp, rate: RATE }).start();
    await untilAcknowledged(load, LONG ? 100_000 : 10_000);
    const code = await d.stop('SIGTERM');
    await load.stop();
    expect(code).toBe(0);
    // Whatever was not sent by the deadline would be in the queue: start again to be sure.
    const again = await start(config);
    running.push(again);
    const out = [join(dir, 'out.jsonl')];
    await settled(p.metrics, async () => tally(load.acked, load.issued, await countInFiles(out, load.tag, 0, load.issued)).delivered);
    const t = tally(load.acked, load.issued, await countInFiles(out, load.tag, 0, load.issued));
    console.log(formatTally('SIGTERM under load', t));
    record('SIGTERM under load', t);
    expect(t.lost, `lost, e.g. ${t.lostSample.join(', ')}`).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(again.stderr()).not.toContain('unsent records from an earlier run');
  });

  it('10 SIGHUP reloads under load: 0 lost, 0 duplicated', async () => {
    const dir = await tempDir('genrf-fault-');
    const p = await ports();
    const config = await writeConfig(dir, fileCaseConfig({ dir, ports: p, fsync: 'interval' }));
    const d = await start(config);
    running.push(d);
    const load = new NumberedLoad({ port: p.otlp, rate: RATE }).start();
    for (let i = 1; i <= 10; i++) {
      await untilAcknowledged(load, load.acknowledged + RATE / 10);
      // A changed configuration (an unchanged one is not restarted): the batch timeout moves by 1 ms.
      await writeConfig(dir, fileCaseConfig({ dir, ports: p, fsync: 'interval' }).replace('timeout: 100ms', `timeout: ${100 + i}ms`));
      d.proc.kill('SIGHUP');
      await waitFor(() => (d.stderr().match(/"msg":"reload: done/g) ?? []).length >= i, 60_000);
    }
    await untilAcknowledged(load, load.acknowledged + RATE / 10);
    await load.stop();
    const out = [join(dir, 'out.jsonl')];
    await settled(p.metrics, async () => tally(load.acked, load.issued, await countInFiles(out, load.tag, 0, load.issued)).delivered);
    const t = tally(load.acked, load.issued, await countInFiles(out, load.tag, 0, load.issued));
    const refused = [...load.statuses]
      .filter(([s]) => s !== 200)
      .map(([s, n]) => `${s || 'no answer'}: ${n}`)
      .join(', ');
    console.log(formatTally('10 SIGHUP reloads under load', t, `requests not acknowledged during the reloads: ${refused || 'none'}`));
    record('10 SIGHUP reloads under load', t);
    expect(t.lost, `lost, e.g. ${t.lostSample.join(', ')}`).toBe(0);
    expect(t.duplicated).toBe(0);
    expect(d.stderr()).not.toContain('dropped');
  }, 400_000);
});

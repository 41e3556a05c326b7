// Fault matrix, part 4: what the disk does to the persistent queue. The storage directory
// on a small filesystem that fills up (a real tmpfs, mounted here: the tests run as root),
// then space freed; and segment files damaged while the daemon was down.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { startFileSink } from '../e2e/helpers/file-sink.ts';
import { freePort, healthCheck, kill9, LONG, ports, relayCaseConfig, settled, start, untilAcknowledged, waitFor, writeConfig } from './helpers/daemon.ts';
import { NumberedLoad } from './helpers/load.ts';
import { countInFiles, formatTally, tally } from './helpers/tally.ts';
import { record } from './helpers/report.ts';

let running: Daemon[] = [];
const mounts: string[] = [];
afterEach(async () => {
  for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
  running = [];
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      /* already gone */
    }
  }
});

/** Mounts a tmpfs of `mib` MiB at `dir`; the reason when that is not possible here (not root). */
function mountTmpfs(dir: string, mib: number): string | undefined {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { stdio: 'pipe' });
    mounts.push(dir);
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`;
  }
}

function fill(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  for (let i = 0; i < mib; i++) writeSync(fd, chunk);
  closeSync(fd);
}

describe('the disk under the persistent queue', () => {
  it('disk full: 429 while full, nothing lost, taking data again once space is freed, without a restart', async (ctx) => {
    const dir = await tempDir('genrf-fault-');
    const fs = join(dir, 'small-fs');
    const why = mountTmpfs(fs, 6);
    if (why !== undefined) {
      if (process.env.CI) throw new Error(why);
      ctx.skip(why);
    }
    fill(join(fs, 'filler'), 4);
    const p = await ports();
    const sinkPort = await freePort();
    const config = await writeConfig(dir, relayCaseConfig({ dir, ports: p, sinkPort, fsync: 'always', storageDir: join(fs, 'queue'), maxSizeMib: 64, segmentMib: 1 }));
    const d = await start(config);
    running.push(d);
    const load = new NumberedLoad({ port: p.otlp, rate: LONG ? 10_000 : 5_000 }).start();
    // The sink is down: the queue grows on disk until the filesystem is full.
    await waitFor(() => (load.statuses.get(429) ?? 0) >= 5, 120_000);
    const whileFull = load.acknowledged;
    expect(await healthCheck(p.health, 'exporter/otlphttp/sink@logs')).toBeDefined();
    // Space is freed: the daemon takes data again, still running.
    rmSync(join(fs, 'filler'));
    const refusedBefore = load.statuses.get(429) ?? 0;
    await untilAcknowledged(load, whileFull + 5_000, 120_000);
    await load.stop();
    const out = join(dir, 'sink.jsonl');
    const sink = await startFileSink({ dir, http: sinkPort, out: () => out, signals: ['logs'] });
    running.push(sink);
    await settled(p.metrics, async () => tally(load.acked, load.issued, await countInFiles([out], load.tag, 0, load.issued)).delivered, 180_000);
    const t = tally(load.acked, load.issued, await countInFiles([out], load.tag, 0, load.issued));
    console.log(formatTally('disk full, then space freed', t, `requests refused with 429 while full: ${refusedBefore}`));
    record('disk full on the storage directory, then space freed', t, { refused429: refusedBefore });
    expect(refusedBefore).toBeGreaterThan(0);
    expect(t.lost, `lost, e.g. ${t.lostSample.join(', ')}`).toBe(0);
    expect(d.proc.exitCode).toBeNull(); // recovered without a restart
    expect(d.stderr()).toContain('ENOSPC');
  }, 400_000);

  it('a truncated and a corrupted segment at start: the daemon starts, reports both, and delivers the rest', async () => {
    const dir = await tempDir('genrf-fault-');
    const p = await ports();
    const sinkPort = await freePort();
    const queue = join(dir, 'queue');
    const config = await writeConfig(dir, relayCaseConfig({ dir, ports: p, sinkPort, fsync: 'always', storageDir: queue, segmentMib: 1 }));
    const first = await start(config);
    running.push(first);
    const load = new NumberedLoad({ port: p.otlp, rate: 10_000 }).start();
    await untilAcknowledged(load, LONG ? 100_000 : 40_000, 120_000);
    await load.stop();
    await kill9(first);

    const segDir = join(queue, readdirSync(queue).find((n) => n.startsWith('exporter_'))!);
    const segments = readdirSync(segDir)
      .filter((n) => n.endsWith('.seg'))
      .sort();
    expect(segments.length).toBeGreaterThanOrEqual(2);
    // A flipped region in the middle of the first segment, and the last one cut mid-record.
    const middle = join(segDir, segments[0]);
    const fd = openSync(middle, 'r+');
    writeSync(fd, Buffer.from('this region of the disk went bad'), 0, 32, Math.floor(statSync(middle).size / 2));
    closeSync(fd);
    const last = join(segDir, segments[segments.length - 1]);
    truncateSync(last, statSync(last).size - 10);

    const out = join(dir, 'sink.jsonl');
    const sink = await startFileSink({ dir, http: sinkPort, out: () => out, signals: ['logs'] });
    running.push(sink);
    const second = await start(config);
    running.push(second);
    await settled(p.metrics, async () => tally(load.acked, load.issued, await countInFiles([out], load.tag, 0, load.issued)).delivered, 180_000);
    const t = tally(load.acked, load.issued, await countInFiles([out], load.tag, 0, load.issued));
    console.log(formatTally('truncated and corrupted segments at start', t, 'lost = the records inside the two damaged requests'));
    record('a truncated and a corrupted segment at start', t);
    const log = second.stderr();
    expect(log).toMatch(/1 torn record\(s\) at the end of a segment/);
    expect(log).toMatch(/1 damaged region\(s\) in the middle of a segment skipped/);
    expect(existsSync(join(segDir, 'corrupt'))).toBe(true);
    expect(await healthCheck(p.health, 'extension/file_storage')).toMatch(/^healthy: .*moved to/);
    // Each record on disk is one client request of 100 log records: two were damaged.
    expect(t.lost).toBeGreaterThan(0);
    expect(t.lost).toBeLessThanOrEqual(200);
    expect(t.delivered).toBe(t.acknowledged - t.lost);
  }, 400_000);
});

// Fault matrix, the shipped pipeline: pipelines/default.yaml killed with kill -9 while
// genRF security logs and application logs arrive. Its security sink keeps its queue on disk
// (file_storage/audit, fsync: always): no acknowledged security record is lost. Application
// logs are batched in memory, as documented, and are only reported.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { healthCheck, kill9, LONG, settled, start, untilAcknowledged } from './helpers/daemon.ts';
import { NumberedLoad } from './helpers/load.ts';
import { countInFiles, formatTally, tally } from './helpers/tally.ts';
import { record } from './helpers/report.ts';

const ROOT = join(import.meta.dirname, '../..');

let running: Daemon[] = [];
afterEach(async () => {
  for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
  running = [];
});

describe('pipelines/default.yaml', () => {
  it('kill -9 under load: no acknowledged security record is lost', async () => {
    const data = await tempDir('genrf-fault-default-');
    const [grpc, http, health, metrics, prom] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const yaml = readFileSync(join(ROOT, 'pipelines/default.yaml'), 'utf8')
      .replaceAll('127.0.0.1:4317', `127.0.0.1:${grpc}`)
      .replaceAll('127.0.0.1:4318', `127.0.0.1:${http}`)
      .replaceAll('127.0.0.1:13133', `127.0.0.1:${health}`)
      .replaceAll('127.0.0.1:8888', `127.0.0.1:${metrics}`)
      .replaceAll('127.0.0.1:8889', `127.0.0.1:${prom}`);
    const config = join(data, 'default.yaml');
    writeFileSync(config, yaml);
    const env = { GENRF_DATA_DIR: data, GENRF_ENV: 'faults' };
    const first = await start(config, env);
    running.push(first);
    const security = new NumberedLoad({ port: http, rate: LONG ? 5_000 : 2_000, tag: 'sec', scope: 'genrf.security.auth', concurrency: 8 }).start();
    const app = new NumberedLoad({ port: http, rate: LONG ? 5_000 : 2_000, tag: 'app', scope: 'genrf.api', concurrency: 8 }).start();
    await untilAcknowledged(security, LONG ? 50_000 : 8_000);
    await kill9(first);
    await Promise.all([security.stop(), app.stop()]);

    const second = await start(config, env);
    running.push(second);
    const secOut = [join(data, 'security.jsonl')];
    const appOut = [join(data, 'genrf.jsonl')];
    await settled(metrics, async () => tally(security.acked, security.issued, await countInFiles(secOut, 'sec', 0, security.issued)).delivered);
    const s = tally(security.acked, security.issued, await countInFiles(secOut, 'sec', 0, security.issued));
    const a = tally(app.acked, app.issued, await countInFiles(appOut, 'app', 0, app.issued));
    console.log(formatTally('default.yaml, kill -9: security logs (persistent queue, fsync always)', s));
    console.log(formatTally('default.yaml, kill -9: application logs (batched in memory)', a));
    record('pipelines/default.yaml, kill -9: security logs', s);
    record('pipelines/default.yaml, kill -9: application logs (in memory)', a);
    expect(s.acknowledged).toBeGreaterThan(0);
    expect(s.lost, `security records lost, e.g. ${s.lostSample.join(', ')}`).toBe(0);
    expect(await healthCheck(health, 'extension/file_storage/audit')).toBe('healthy');
  });
});

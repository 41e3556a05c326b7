// The storage decision (docs/decisions.md): the hand-written segment log of file_storage
// against two maintained embedded stores from npm, on the persistent queue's workload:
// 16 senders each appending a ~20 KB record (one OTLP request) and waiting until it is
// durable, every record deleted (acknowledged) 200 records later.
//
// The libraries are not dependencies of the project; install them beside it to run this:
//   mkdir -p /tmp/libs && (cd /tmp/libs && npm i lmdb@3 classic-level@3)
//   STORAGE_LIBS=/tmp/libs node bench/storage-libs.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget, SegmentLog, type FsyncPolicy } from '../src/extensions/file_storage/segment-log.ts';

const SENDERS = 16;
const SECONDS = Number(process.env.SECONDS ?? 5);
const RECORD = Buffer.alloc(20_000, 'x');
const LAG = 200;

interface Store {
  append(n: number): Promise<void>;
  remove(n: number): void;
  close(): Promise<void>;
}

async function run(name: string, store: Store): Promise<void> {
  let n = 0;
  const lat: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        await store.append(i);
        lat.push(performance.now() - t);
        if (i >= LAG) store.remove(i - LAG);
      }
    }),
  );
  const s = (performance.now() - started) / 1000;
  await store.close();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(2);
  console.log(
    `${name.padEnd(48)} ${Math.round(n / s)
      .toString()
      .padStart(7)} records/s ${((n * RECORD.length) / s / 1048576).toFixed(1).padStart(6)} MiB/s  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms`,
  );
}

async function segmentLog(fsync: FsyncPolicy): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-seg-'));
  const log = await SegmentLog.open(dir, { owner: 'bench', fsync, segmentBytes: 16 << 20, budget: new Budget(8 * 2 ** 30), compactOnStart: false, ratio: 0.5 });
  const refs = new Map<number, Awaited<ReturnType<SegmentLog['append']>>>();
  const timer = fsync === 'interval' ? setInterval(() => void log.sync(), 1000) : undefined;
  return {
    append: async (i) => {
      refs.set(i, await log.append(RECORD, 1));
    },
    remove: (i) => {
      const r = refs.get(i);
      if (r) {
        log.ack(r);
        refs.delete(i);
      }
    },
    close: async () => {
      clearInterval(timer);
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function lmdb(req: NodeRequire, durable: boolean): Promise<Store> {
  const { open } = req('lmdb');
  const dir = mkdtempSync(join(tmpdir(), 'bench-lmdb-'));
  const db = open({ path: join(dir, 'q.mdb'), compression: false, mapSize: 8 * 2 ** 30 });
  const timer = durable ? undefined : setInterval(() => void db.flushed, 1000);
  return {
    // put resolves once committed; with overlapping sync (the default) the fsync follows, and
    // `flushed` resolves once it is done: `always` waits for it.
    append: async (i) => {
      await db.put(i, RECORD);
      if (durable) await db.flushed;
    },
    remove: (i) => {
      void db.remove(i);
    },
    close: async () => {
      clearInterval(timer);
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function level(req: NodeRequire, sync: boolean): Promise<Store> {
  const { ClassicLevel } = req('classic-level');
  const dir = mkdtempSync(join(tmpdir(), 'bench-level-'));
  const db = new ClassicLevel(dir, { keyEncoding: 'utf8', valueEncoding: 'buffer' });
  await db.open();
  const key = (i: number) => i.toString(16).padStart(12, '0');
  return {
    append: (i) => db.put(key(i), RECORD, { sync }),
    remove: (i) => {
      void db.del(key(i));
    },
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

console.log(`# ${SENDERS} senders, ${RECORD.length}-byte records, each deleted ${LAG} records later, ${SECONDS} s per run`);
const libs = process.env.STORAGE_LIBS;
const req = libs ? createRequire(join(libs, 'node_modules', 'x.js')) : undefined;
for (let round = 0; round < 2; round++) {
  await run('segment log (file_storage), fsync always', await segmentLog('always'));
  if (req) await run('lmdb 3, put + flushed (synced)', await lmdb(req, true));
  if (req) await run('classic-level 3 (LevelDB), put sync: true', await level(req, true));
  await run('segment log (file_storage), fsync interval', await segmentLog('interval'));
  if (req) await run('lmdb 3, put (committed, sync overlapping)', await lmdb(req, false));
  if (req) await run('classic-level 3 (LevelDB), put sync: false', await level(req, false));
}
if (!req) console.log('(set STORAGE_LIBS to a folder where lmdb and classic-level are installed to compare them)');

import { appendFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ackEntry, HEADER_BYTES, parseAcks, recordHeader, scanSegment } from '../../../../src/extensions/file_storage/format.ts';
import { Budget, SegmentLog, type FsyncPolicy } from '../../../../src/extensions/file_storage/segment-log.ts';
import { StorageFullError } from '../../../../src/pipeline/storage.ts';
import { until } from '../../../helpers/wait.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'genrf-seglog-'));
const open = (d: string, o: { fsync?: FsyncPolicy; segmentBytes?: number; max?: number; compact?: boolean } = {}) =>
  SegmentLog.open(d, {
    owner: 'exporter/test@logs',
    fsync: o.fsync ?? 'always',
    segmentBytes: o.segmentBytes ?? 4096,
    budget: new Budget(o.max ?? 10_000_000),
    compactOnStart: o.compact ?? false,
    ratio: 0.5,
  });
const payload = (i: number) => Buffer.from(`record ${i} `.padEnd(100, '.'));
const text = (b: Uint8Array) => Buffer.from(b).toString().trimEnd().replace(/\.+$/, '').trim();
/** Acknowledgements written to the segments' .ack files so far. */
const acksOnDisk = (d: string) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.ack'))
    .reduce((n, f) => n + parseAcks(readFileSync(join(d, f))).length, 0);
const segments = (d: string) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.seg'))
    .sort();

function framed(items: Array<{ payload: Buffer; index: number }>): Buffer {
  return Buffer.concat(items.flatMap((r) => [recordHeader(r.payload, 1, r.index), r.payload]));
}

describe('record format', () => {
  it('finds every record, and a torn tail as torn, not as corruption', () => {
    const buf = framed([0, 1, 2].map((i) => ({ payload: payload(i), index: i })));
    const whole = scanSegment(buf);
    expect(whole.records.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(whole).toMatchObject({ torn: false, corrupt: 0, end: buf.length });
    const cut = scanSegment(buf.subarray(0, buf.length - 7));
    expect(cut.records.map((r) => r.index)).toEqual([0, 1]);
    expect(cut).toMatchObject({ torn: true, corrupt: 0, end: 2 * (HEADER_BYTES + 100) });
    // A zero-filled tail (what a power cut can leave) is torn too.
    expect(scanSegment(Buffer.concat([buf, Buffer.alloc(64)]))).toMatchObject({ torn: true, corrupt: 0 });
  });

  it('skips a damaged region in the middle and keeps the records after it, with their own indices', () => {
    const buf = framed([0, 1, 2, 3].map((i) => ({ payload: payload(i), index: i })));
    buf.write('garbage', HEADER_BYTES + 100 + HEADER_BYTES + 10); // inside record 1's payload
    const scan = scanSegment(buf);
    expect(scan.records.map((r) => r.index)).toEqual([0, 2, 3]);
    expect(scan).toMatchObject({ torn: false, corrupt: 1 });
  });

  it('reads acknowledgements and ignores a garbled or torn entry', () => {
    const buf = Buffer.alloc(8 * 3 + 5);
    ackEntry(4, buf, 0);
    ackEntry(9, buf, 8);
    buf.writeUInt32LE(7, 16); // no valid check word
    expect(parseAcks(buf)).toEqual([4, 9]);
  });
});

describe('SegmentLog', () => {
  it('appends in order, reads back, and deletes a segment once every record in it is acknowledged', async () => {
    const d = dir();
    const log = await open(d);
    const refs = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(payload(i), i)));
    expect(refs.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(text(await log.read(refs[42]))).toBe('record 42');
    const before = segments(d).length;
    expect(before).toBeGreaterThan(2); // 4 KiB segments of 116-byte records
    for (const r of refs.slice(0, 50)) log.ack(r);
    await until(() => segments(d).length < before, 10_000, 'fully acknowledged segments to be deleted');
    await log.close();
  });

  it('after a crash (no close), gives back exactly the unacknowledged records, in order', async () => {
    const d = dir();
    const first = await open(d);
    const refs = await Promise.all(Array.from({ length: 60 }, (_, i) => first.append(payload(i), 1)));
    for (const i of [0, 1, 2, 10, 30, 59]) first.ack(refs[i]);
    await until(() => acksOnDisk(d) === 6, 10_000, 'the acknowledgements on disk'); // written on the next turn
    const second = await open(d);
    const left = second.recovery.records;
    expect(left).toHaveLength(54);
    const texts = await Promise.all(left.map(async (r) => text(await second.read(r))));
    expect(texts[0]).toBe('record 3');
    expect(texts).not.toContain('record 10');
    expect(texts.at(-1)).toBe('record 58');
    // New records follow the old ones.
    const next = await second.append(payload(99), 1);
    expect(next.seq).toBeGreaterThan(left.at(-1)!.seq);
    await second.close();
  });

  it('a torn last record is skipped and counted; the file is cut back so the next start does not count it again', async () => {
    const d = dir();
    const first = await open(d, { segmentBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => first.append(payload(i), 1)));
    const seg = join(d, segments(d)[0]);
    appendFileSync(seg, Buffer.concat([recordHeader(payload(5), 1, 5), payload(5).subarray(0, 30)]));
    const second = await open(d);
    expect(second.recovery).toMatchObject({ torn: 1, corrupt: 0 });
    expect(second.recovery.records).toHaveLength(5);
    await second.close();
    const third = await open(d);
    expect(third.recovery).toMatchObject({ torn: 0, corrupt: 0 });
    expect(third.recovery.records).toHaveLength(5);
  });

  it('a damaged segment is moved aside after its good records were copied; start-up goes on', async () => {
    const d = dir();
    const first = await open(d, { segmentBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => first.append(payload(i), 1)));
    const seg = join(d, segments(d)[0]);
    const fd = openSync(seg, 'r+');
    writeSync(fd, Buffer.from('bad sector'), 0, 10, 3 * (HEADER_BYTES + 100) + 40);
    closeSync(fd);
    const second = await open(d);
    expect(second.recovery).toMatchObject({ torn: 0, corrupt: 1 });
    const texts = await Promise.all(second.recovery.records.map(async (r) => text(await second.read(r))));
    expect(texts).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9].map((i) => `record ${i}`));
    expect(second.movedAside).toHaveLength(1);
    expect(existsSync(second.movedAside[0])).toBe(true);
    expect(readdirSync(join(d, 'corrupt')).length).toBeGreaterThan(0);
  });

  it('refuses with StorageFullError at max_size, and takes data again once records are acknowledged', async () => {
    const d = dir();
    const log = await open(d, { max: 5 * (HEADER_BYTES + 100), segmentBytes: 2 * (HEADER_BYTES + 100) });
    const refs = await Promise.all(Array.from({ length: 5 }, (_, i) => log.append(payload(i), 1)));
    await expect(log.append(payload(5), 1)).rejects.toBeInstanceOf(StorageFullError);
    for (const r of refs.slice(0, 4)) log.ack(r);
    await until(() => segments(d).length === 1, 10_000, 'the two acknowledged segments to be deleted');
    await expect(log.append(payload(6), 1)).resolves.toMatchObject({ seq: 6 });
    await log.close();
  });

  it('compaction at start rewrites a mostly acknowledged segment into one holding only what is left', async () => {
    const d = dir();
    const first = await open(d, { segmentBytes: 1 << 20 });
    const refs = await Promise.all(Array.from({ length: 20 }, (_, i) => first.append(payload(i), 1)));
    for (const r of refs.slice(0, 18)) first.ack(r);
    await until(() => acksOnDisk(d) === 18, 10_000, 'the acknowledgements on disk');
    const size = statSync(join(d, segments(d)[0])).size;
    const second = await open(d, { compact: true });
    expect(second.compacted).toBe(1);
    expect(statSync(join(d, segments(d)[0])).size).toBe(2 * (HEADER_BYTES + 100));
    expect(statSync(join(d, segments(d)[0])).size).toBeLessThan(size);
    const texts = await Promise.all(second.recovery.records.map(async (r) => text(await second.read(r))));
    expect(texts).toEqual(['record 18', 'record 19']);
  });

  it('an interrupted rewrite: a copy beside its segment is dropped; a copy whose segment was moved aside takes its place', async () => {
    const d = dir();
    const first = await open(d, { segmentBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 3 }, (_, i) => first.append(payload(i), 1)));
    const seg = join(d, segments(d)[0]);
    // A copy holding only record 2 was being made when the daemon died.
    writeFileSync(`${seg}.tmp`, framed([{ payload: payload(2), index: 0 }]));
    const second = await open(d);
    expect(second.recovery.records).toHaveLength(3); // the original wins
    expect(readdirSync(d).some((n) => n.endsWith('.tmp'))).toBe(false);
    await second.close();
    // The original was already gone: the finished copy is the segment now.
    writeFileSync(`${seg}.tmp`, framed([{ payload: payload(2), index: 0 }]));
    rmSync(seg);
    const third = await open(d);
    const texts = await Promise.all(third.recovery.records.map(async (r) => text(await third.read(r))));
    expect(texts).toEqual(['record 2']);
  });

  it('a clean close with everything acknowledged leaves no segment behind', async () => {
    const d = dir();
    const log = await open(d, { fsync: 'interval' });
    const refs = await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(payload(i), 1)));
    for (const r of refs) log.ack(r);
    await log.close();
    expect(segments(d)).toEqual([]);
  });
});

// Opening a queue directory after a run, clean or not: every segment is read and checked,
// acknowledged records are skipped, a torn tail is cut off and counted, a segment with a
// damaged region is moved aside (into `corrupt/`) after its good records were copied into a
// fresh segment, and mostly-acknowledged segments are compacted the same way. Start-up
// never fails because of what it finds; only an unusable directory stops it.
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ACK_SUFFIX, HEADER_BYTES, parseAcks, parseSegmentName, recordHeader, scanSegment, TMP_SUFFIX, type ScannedRecord } from './format.ts';
import { Ref, Segment } from './segment.ts';

export interface RecoverOptions {
  /** Rewrite segments whose acknowledged share is above `ratio`. */
  compactOnStart: boolean;
  ratio: number;
}

export interface Recovered {
  segments: Segment[];
  /** Unacknowledged records, in order. */
  refs: Ref[];
  torn: number;
  corrupt: number;
  /** Files moved into `corrupt/`, for the report. */
  movedAside: string[];
  /** Segments rewritten by compaction. */
  compacted: number;
  nextSeq: number;
}

export const CORRUPT_DIR = 'corrupt';

export async function recoverQueue(dir: string, opts: RecoverOptions): Promise<Recovered> {
  await mkdir(dir, { recursive: true });
  let names = await readdir(dir);
  // A rewrite that was interrupted: before the rename, the old segment is still there and
  // wins; after the old one was moved aside, the copy is finished and takes its place.
  for (const name of names.filter((n) => n.endsWith(TMP_SUFFIX))) {
    const base = name.slice(0, -TMP_SUFFIX.length);
    if (names.includes(base)) await unlink(join(dir, name));
    else await rename(join(dir, name), join(dir, base));
  }
  names = await readdir(dir);
  const out: Recovered = { segments: [], refs: [], torn: 0, corrupt: 0, movedAside: [], compacted: 0, nextSeq: 1 };
  const seqs = names
    .map(parseSegmentName)
    .filter((s): s is number => s !== undefined)
    .sort((a, b) => a - b);
  const live = new Set(seqs.map((s) => `${String(s).padStart(20, '0')}${ACK_SUFFIX}`));
  for (const name of names) if (name.endsWith(ACK_SUFFIX) && !live.has(name)) await unlink(join(dir, name)).catch(() => {});

  for (const firstSeq of seqs) {
    const seg = await recoverSegment(dir, firstSeq, opts, out);
    if (seg === undefined) continue;
    out.segments.push(seg);
  }
  return out;
}

async function recoverSegment(dir: string, firstSeq: number, opts: RecoverOptions, out: Recovered): Promise<Segment | undefined> {
  const probe = Segment.paths(dir, firstSeq);
  const buf = await readFile(probe.path);
  const acked = new Set(parseAcks(await readFile(probe.ackPath).catch(() => Buffer.alloc(0))));
  const scan = scanSegment(buf);
  for (const r of scan.records) out.nextSeq = Math.max(out.nextSeq, firstSeq + r.index + 1);
  if (scan.torn) out.torn++;
  out.corrupt += scan.corrupt;
  const unacked = scan.records.filter((r) => !acked.has(r.index));
  if (unacked.length === 0 && scan.corrupt === 0) {
    await unlink(probe.path).catch(() => {});
    await unlink(probe.ackPath).catch(() => {});
    return undefined;
  }
  const share = scan.records.length === 0 ? 1 : (scan.records.length - unacked.length) / scan.records.length;
  if (scan.corrupt > 0 || (opts.compactOnStart && share > opts.ratio)) {
    return rewrite(dir, firstSeq, buf, unacked, scan.corrupt > 0, out);
  }
  const fh = await open(probe.path, 'r+');
  if (scan.torn) await fh.truncate(scan.end);
  const seg = new Segment(dir, firstSeq, fh);
  seg.size = scan.end;
  seg.count = scan.records.length === 0 ? 0 : scan.records[scan.records.length - 1].index + 1;
  seg.live = scan.records.length;
  for (const r of scan.records) {
    if (acked.has(r.index)) seg.ack(r.index, false);
    else out.refs.push(new Ref(seg, r.index, r.offset, r.length, r.tag));
  }
  return seg;
}

/**
 * Copies the unacknowledged records of a segment into a fresh file of the same name (new
 * indices, so the old acknowledgements no longer apply and go). A damaged segment is moved
 * into `corrupt/` for inspection; a compacted one is replaced. The copy is synced before the
 * old file goes, so a crash during this loses nothing (it may send some records twice).
 */
async function rewrite(dir: string, firstSeq: number, buf: Buffer, keep: ScannedRecord[], damaged: boolean, out: Recovered): Promise<Segment | undefined> {
  const probe = Segment.paths(dir, firstSeq);
  const tmp = probe.path + TMP_SUFFIX;
  const parts: Buffer[] = [];
  for (let i = 0; i < keep.length; i++) {
    const r = keep[i];
    const payload = buf.subarray(r.offset + HEADER_BYTES, r.offset + HEADER_BYTES + r.length);
    parts.push(recordHeader(payload, r.tag, i), payload);
  }
  const w = await open(tmp, 'w');
  try {
    if (parts.length > 0) await w.writev(parts);
    await w.datasync();
  } finally {
    await w.close();
  }
  if (damaged) {
    const aside = join(dir, CORRUPT_DIR);
    await mkdir(aside, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = probe.path.slice(dir.length + 1);
    await rename(probe.ackPath, join(aside, `${name}.${stamp}${ACK_SUFFIX}`)).catch(() => {});
    await rename(probe.path, join(aside, `${name}.${stamp}`));
    out.movedAside.push(join(aside, `${name}.${stamp}`));
  } else {
    await unlink(probe.ackPath).catch(() => {});
    out.compacted++;
  }
  if (keep.length === 0) {
    await unlink(tmp);
    return undefined;
  }
  await rename(tmp, probe.path);
  await syncDir(dir);
  const seg = new Segment(dir, firstSeq, await open(probe.path, 'r+'));
  let offset = 0;
  for (let i = 0; i < keep.length; i++) {
    out.refs.push(new Ref(seg, i, offset, keep[i].length, keep[i].tag));
    offset += HEADER_BYTES + keep[i].length;
  }
  seg.size = offset;
  seg.count = keep.length;
  seg.live = keep.length;
  return seg;
}

/** Makes a directory's entries (a created, renamed or removed file) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; their entries are then as durable as they get.
  } finally {
    await fh.close();
  }
}

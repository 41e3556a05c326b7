// One owner's queue on disk: segments appended in order, records acknowledged in any order,
// a segment deleted once all its records are acknowledged.
//
// Appends are group-committed: every append made while a write is in progress goes into the
// next write (one writev, and one fdatasync with `fsync: always`), so the cost of a sync is
// shared by every sender waiting on it. A sender is answered only when its record is written
// (and synced, with `always`). A failed write (ENOSPC, EIO) is cut back off the file and
// every append in it is refused; nothing half-written stays behind a later record.
import type { RecordLog, RecordRef, Recovery } from '../../pipeline/storage.ts';
import { StorageFullError } from '../../pipeline/storage.ts';
import { HEADER_BYTES, MAX_PAYLOAD, recordHeader } from './format.ts';
import { recoverQueue, syncDir, type RecoverOptions } from './recover.ts';
import { Ref, Segment } from './segment.ts';

export type FsyncPolicy = 'always' | 'interval' | 'never';

/** The bytes every queue of one extension may hold together. */
export class Budget {
  readonly max: number;
  used = 0;
  constructor(max: number) {
    this.max = max;
  }
}

export interface LogOptions extends RecoverOptions {
  fsync: FsyncPolicy;
  segmentBytes: number;
  budget: Budget;
  /** The owner, for messages. */
  owner: string;
  /** Told when the log is closed. */
  onClose?: () => void;
}

interface Append {
  payload: Uint8Array;
  tag: number;
  bytes: number;
  resolve(ref: Ref): void;
  reject(err: Error): void;
}

// writev takes at most IOV_MAX (1024) buffers; two per record.
const RECORDS_PER_WRITE = 512;
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export class SegmentLog implements RecordLog {
  readonly #dir: string;
  readonly #opts: LogOptions;
  #recovery!: Recovery;
  readonly #segments: Segment[] = [];
  #active: Segment | undefined;
  #nextSeq = 1;
  #pending: Append[] = [];
  #writing = false;
  /** Written since the last sync (fsync: interval). */
  #dirty = new Set<Segment>();
  #ackFlushScheduled = false;
  #closed = false;
  #writeDone: Promise<void> = Promise.resolve();

  private constructor(dir: string, opts: LogOptions) {
    this.#dir = dir;
    this.#opts = opts;
  }

  static async open(dir: string, opts: LogOptions): Promise<SegmentLog> {
    const log = new SegmentLog(dir, opts);
    const r = await recoverQueue(dir, opts);
    log.#segments.push(...r.segments);
    log.#nextSeq = r.nextSeq;
    for (const s of r.segments) opts.budget.used += s.size;
    log.#recovery = { records: r.refs, torn: r.torn, corrupt: r.corrupt };
    log.movedAside = r.movedAside;
    log.compacted = r.compacted;
    return log;
  }

  /** Damaged segments moved into `corrupt/` when the log was opened. */
  movedAside: string[] = [];
  compacted = 0;

  get recovery(): Recovery {
    return this.#recovery;
  }

  /** Bytes of segment files this log holds. */
  get bytes(): number {
    let n = 0;
    for (const s of this.#segments) n += s.size;
    return n;
  }

  append(payload: Uint8Array, tag: number): Promise<Ref> {
    if (this.#closed) return Promise.reject(new Error(`storage for ${this.#opts.owner} is closed`));
    const bytes = HEADER_BYTES + payload.length;
    const budget = this.#opts.budget;
    if (payload.length > MAX_PAYLOAD || bytes > budget.max) {
      return Promise.reject(new Error(`a record of ${bytes} bytes is larger than the storage allows (max_size_mib)`));
    }
    if (budget.used + bytes > budget.max) {
      return Promise.reject(new StorageFullError(`storage is full: ${Math.round(budget.used / 1048576)} of ${Math.round(budget.max / 1048576)} MiB (max_size_mib) hold unsent data`));
    }
    budget.used += bytes;
    return new Promise<Ref>((resolve, reject) => {
      this.#pending.push({ payload, tag, bytes, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        this.#writeDone = this.#writeLoop();
      }
    });
  }

  read(record: RecordRef): Promise<Uint8Array> {
    const ref = record as Ref;
    return ref.segment.read(ref);
  }

  ack(record: RecordRef): void {
    const ref = record as Ref;
    const seg = ref.segment;
    if (seg.deleted || !seg.ack(ref.index)) return;
    if (seg.live === 0 && seg !== this.#active) {
      void this.#remove(seg);
      return;
    }
    if (!this.#ackFlushScheduled) {
      this.#ackFlushScheduled = true;
      setImmediate(this.#flushAcks);
    }
  }

  /** Syncs what was written since the last sync (the interval timer of fsync: interval). */
  async sync(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    await Promise.all(dirty.map((s) => (s.deleted ? undefined : s.fh.datasync().catch(() => this.#dirty.add(s)))));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writeDone;
    await this.#flushAcks();
    if (this.#opts.fsync !== 'never') {
      await this.sync();
      for (const s of this.#segments) await s.syncAcks().catch(() => {});
    }
    for (const s of [...this.#segments]) {
      if (s.live === 0) await this.#remove(s);
      else await s.close();
    }
    this.#segments.length = 0;
    this.#active = undefined;
    this.#opts.onClose?.();
  }

  readonly #flushAcks = async (): Promise<void> => {
    this.#ackFlushScheduled = false;
    for (const s of this.#segments) {
      // A lost acknowledgement only means the record is sent again after a crash.
      if (s.hasPendingAcks) await s.flushAcks().catch(() => {});
    }
  };

  async #remove(seg: Segment): Promise<void> {
    const i = this.#segments.indexOf(seg);
    if (i >= 0) this.#segments.splice(i, 1);
    this.#dirty.delete(seg);
    this.#opts.budget.used -= seg.size;
    await seg.remove();
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        // One write takes what is waiting, up to the room left in the segment (at least one
        // record), so segments stay near their size and can be deleted as they drain.
        const active = this.#active;
        const room = active !== undefined && active.size < this.#opts.segmentBytes ? this.#opts.segmentBytes - active.size : this.#opts.segmentBytes;
        let n = 0;
        let bytes = 0;
        const pending = this.#pending;
        while (n < pending.length && n < RECORDS_PER_WRITE && (n === 0 || bytes + pending[n].bytes <= room)) bytes += pending[n++].bytes;
        const group = n === pending.length ? pending : pending.slice(0, n);
        this.#pending = n === pending.length ? [] : pending.slice(n);
        await this.#write(group);
      }
    } finally {
      this.#writing = false;
    }
  }

  /** Writes one group of appends at the end of the active segment; answers each. */
  async #write(group: Append[]): Promise<void> {
    let seg: Segment;
    try {
      seg = await this.#segmentFor();
    } catch (err) {
      return this.#refuse(group, err);
    }
    const start = seg.size;
    const parts: Uint8Array[] = [];
    let index = seg.count;
    for (const a of group) parts.push(recordHeader(a.payload, a.tag, index++), a.payload);
    try {
      await writeAll(seg, parts, start);
      if (this.#opts.fsync === 'always') await seg.fh.datasync();
      else if (this.#opts.fsync === 'interval') this.#dirty.add(seg);
    } catch (err) {
      // Cut the partial write off, so that the next record follows the last good one. If
      // even that fails, start a new segment for the next write.
      await seg.fh.truncate(start).catch(() => {
        // The tail stays garbled (a torn record at the next start): write elsewhere, and
        // number the next segment past this one's last index.
        if (this.#active === seg) this.#active = undefined;
        this.#nextSeq = Math.max(this.#nextSeq, seg.firstSeq + seg.count + 1);
      });
      return this.#refuse(group, err);
    }
    let offset = start;
    for (const a of group) {
      const ref = new Ref(seg, seg.count, offset, a.payload.length, a.tag);
      seg.count++;
      seg.live++;
      seg.size += a.bytes;
      offset += a.bytes;
      a.resolve(ref);
    }
    this.#nextSeq = seg.firstSeq + seg.count;
  }

  #refuse(group: Append[], err: unknown): void {
    const code = (err as NodeJS.ErrnoException)?.code;
    const detail = err instanceof Error ? err.message : String(err);
    const e =
      code !== undefined && FULL_CODES.has(code)
        ? new StorageFullError(`the disk holding the storage of ${this.#opts.owner} is full (${code})`, { cause: err })
        : new Error(`cannot write to the storage of ${this.#opts.owner}: ${detail}`, { cause: err });
    for (const a of group) {
      this.#opts.budget.used -= a.bytes;
      a.reject(e);
    }
  }

  /** The segment to append to: the active one, or a new one once it is past the segment size. */
  async #segmentFor(): Promise<Segment> {
    const active = this.#active;
    if (active !== undefined && active.size < this.#opts.segmentBytes) return active;
    if (active !== undefined) {
      this.#active = undefined;
      if (this.#opts.fsync === 'interval' && this.#dirty.has(active)) {
        this.#dirty.delete(active);
        await active.fh.datasync().catch(() => this.#dirty.add(active));
      }
      if (active.live === 0) await this.#remove(active);
    }
    const seg = await Segment.create(this.#dir, this.#nextSeq);
    this.#segments.push(seg);
    this.#active = seg;
    if (this.#opts.fsync === 'always') await syncDir(this.#dir);
    return seg;
  }
}

/** writev until every byte is written: a short write (a disk filling up) is continued, an error thrown. */
async function writeAll(seg: Segment, parts: Uint8Array[], position: number): Promise<void> {
  let total = 0;
  for (const p of parts) total += p.length;
  let written = 0;
  while (written < total) {
    const rest = written === 0 ? parts : restOf(parts, written);
    const { bytesWritten } = await seg.fh.writev(rest, position + written);
    if (bytesWritten === 0) {
      throw Object.assign(new Error('no space left on device (short write)'), { code: 'ENOSPC' });
    }
    written += bytesWritten;
  }
}

function restOf(parts: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}

// One segment file of a queue and its acknowledgement file: the open handle (kept for reads
// while any record in it is unacknowledged), which records are acknowledged, and the
// acknowledgements not yet written out.
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordRef } from '../../pipeline/storage.ts';
import { ACK_BYTES, ACK_SUFFIX, ackEntry, checkRecord, HEADER_BYTES, segmentName } from './format.ts';

/** A record's place, handed to the owner as its RecordRef. */
export class Ref implements RecordRef {
  readonly seq: number;
  readonly segment: Segment;
  readonly index: number;
  /** Offset of the record's header in the segment file. */
  readonly offset: number;
  readonly length: number;
  readonly tag: number;
  constructor(segment: Segment, index: number, offset: number, length: number, tag: number) {
    this.segment = segment;
    this.seq = segment.firstSeq + index;
    this.index = index;
    this.offset = offset;
    this.length = length;
    this.tag = tag;
  }
}

export class Segment {
  readonly firstSeq: number;
  readonly path: string;
  readonly ackPath: string;
  readonly fh: FileHandle;
  /** Bytes in the file (all good records; a torn tail was cut off at recovery). */
  size = 0;
  /** Records written (next index). */
  count = 0;
  /** Records still waiting for an acknowledgement. */
  live = 0;
  /** Acknowledged indices, as a bitmap. */
  #acked = new Uint8Array(64);
  /** The ack file, opened on the first flush (a promise, so concurrent flushes open it once). */
  #ackFh: Promise<FileHandle> | undefined;
  #pendingAcks: number[] = [];
  deleted = false;

  constructor(dir: string, firstSeq: number, fh: FileHandle) {
    this.firstSeq = firstSeq;
    ({ path: this.path, ackPath: this.ackPath } = Segment.paths(dir, firstSeq));
    this.fh = fh;
  }

  /** The segment file and its acknowledgement file. */
  static paths(dir: string, firstSeq: number): { path: string; ackPath: string } {
    const path = join(dir, segmentName(firstSeq));
    return { path, ackPath: path.replace(/\.seg$/, ACK_SUFFIX) };
  }

  static async create(dir: string, firstSeq: number): Promise<Segment> {
    return new Segment(dir, firstSeq, await open(join(dir, segmentName(firstSeq)), 'wx+'));
  }

  isAcked(index: number): boolean {
    return ((this.#acked[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  /** Marks a record acknowledged (once); the entry is written at the next flush. */
  ack(index: number, persist = true): boolean {
    const byte = index >> 3;
    if (byte >= this.#acked.length) {
      const grown = new Uint8Array(Math.max(this.#acked.length * 2, byte + 1));
      grown.set(this.#acked);
      this.#acked = grown;
    }
    const bit = 1 << (index & 7);
    if ((this.#acked[byte] & bit) !== 0) return false;
    this.#acked[byte] |= bit;
    this.live--;
    if (persist) this.#pendingAcks.push(index);
    return true;
  }

  get hasPendingAcks(): boolean {
    return this.#pendingAcks.length > 0;
  }

  /** Appends the acknowledgements gathered since the last flush to the ack file. */
  async flushAcks(): Promise<void> {
    const indices = this.#pendingAcks;
    if (indices.length === 0 || this.deleted) return;
    this.#pendingAcks = [];
    const buf = Buffer.allocUnsafe(indices.length * ACK_BYTES);
    for (let i = 0; i < indices.length; i++) ackEntry(indices[i], buf, i * ACK_BYTES);
    this.#ackFh ??= open(this.ackPath, 'a');
    const fh = await this.#ackFh;
    if (this.deleted) return;
    await fh.write(buf, 0, buf.length);
  }

  async syncAcks(): Promise<void> {
    await (await this.#ackFh)?.datasync();
  }

  /** Reads a record back and checks it; throws when it no longer checks. */
  async read(ref: Ref): Promise<Uint8Array> {
    const buf = Buffer.allocUnsafe(HEADER_BYTES + ref.length);
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, ref.offset);
    if (bytesRead !== buf.length || !checkRecord(buf)) {
      throw new Error(`record ${ref.seq} in ${this.path} no longer matches its checksum (the file changed on disk)`);
    }
    return buf.subarray(HEADER_BYTES);
  }

  async close(): Promise<void> {
    const ack = this.#ackFh;
    this.#ackFh = undefined;
    await ack?.then((fh) => fh.close()).catch(() => {});
    await this.fh.close().catch(() => {});
  }

  /** Closes and removes the segment and its ack file. */
  async remove(): Promise<void> {
    this.deleted = true;
    await this.close();
    await unlink(this.path).catch(() => {});
    await unlink(this.ackPath).catch(() => {});
  }
}

// The on-disk format of a queue: segment files of framed records, and beside each an
// acknowledgement file. Pure functions over buffers; the file handling is in segment-log.ts.
//
// A record is a 16-byte header and its payload:
//   u32 LE payload length | u32 LE tag (the owner's, e.g. an item count)
//   | u32 LE index of the record in its segment | u32 LE CRC-32
// The CRC covers the first 12 header bytes and the payload, so a torn or zero-filled tail
// and a flipped bit anywhere are both caught; the index keeps acknowledgements matched to
// their records even when a damaged region in between was skipped.
//
// An acknowledgement is 8 bytes: u32 LE record index in its segment | the same, inverted.
// The check value makes a torn or garbled entry recognisable; such entries are ignored (the
// record is then sent again: a duplicate, never a loss).
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 16;
const CRC_AT = 12;
export const ACK_BYTES = 8;
/** Largest payload accepted (the OTLP/HTTP body limit is 20 MiB; room for more). */
export const MAX_PAYLOAD = 256 * 1024 * 1024;

export const SEGMENT_SUFFIX = '.seg';
export const ACK_SUFFIX = '.ack';
export const TMP_SUFFIX = '.tmp';

/** `00000000000000000042.seg`: named by the sequence number of its first record. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

/** The first sequence number of a segment file name, or undefined for another file. */
export function parseSegmentName(name: string): number | undefined {
  const m = /^(\d{20})\.seg$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function recordHeader(payload: Uint8Array, tag: number, index: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(payload.length, 0);
  h.writeUInt32LE(tag >>> 0, 4);
  h.writeUInt32LE(index >>> 0, 8);
  h.writeUInt32LE(crc32(payload, crc32(h.subarray(0, CRC_AT))), CRC_AT);
  return h;
}

/** True when a record read back (header and payload, as written) matches its CRC. */
export function checkRecord(record: Buffer): boolean {
  return (
    record.length >= HEADER_BYTES && record.readUInt32LE(0) === record.length - HEADER_BYTES && record.readUInt32LE(CRC_AT) === crc32(record.subarray(HEADER_BYTES), crc32(record.subarray(0, CRC_AT)))
  );
}

/** One record found in a segment: where its payload lies and the owner's tag. */
export interface ScannedRecord {
  index: number;
  /** Offset of the header in the file. */
  offset: number;
  length: number;
  tag: number;
}

export interface Scan {
  records: ScannedRecord[];
  /** Where the last good record ends: the file is cut here when the rest is a torn tail. */
  end: number;
  /** A torn tail (a partial or garbled last record) was found after `end`. */
  torn: boolean;
  /** Damaged regions in the middle, each skipped up to the next record that checks. */
  corrupt: number;
}

/** The record at `at`, if a whole one that checks starts there. */
function recordAt(buf: Buffer, at: number): { length: number; tag: number; index: number } | undefined {
  if (buf.length - at < HEADER_BYTES) return undefined;
  const length = buf.readUInt32LE(at);
  if (length > MAX_PAYLOAD || at + HEADER_BYTES + length > buf.length) return undefined;
  const crc = crc32(buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length), crc32(buf.subarray(at, at + CRC_AT)));
  if (crc !== buf.readUInt32LE(at + CRC_AT)) return undefined;
  return { length, tag: buf.readUInt32LE(at + 4), index: buf.readUInt32LE(at + 8) };
}

/**
 * Reads the records of a segment. A record that does not check ends the good part; the
 * scan then looks for the next offset where a record checks. None found: the rest is a
 * torn tail (a crash mid-write). Found: the bytes between are a damaged region, counted,
 * and the scan goes on from there.
 */
export function scanSegment(buf: Buffer): Scan {
  const records: ScannedRecord[] = [];
  let at = 0;
  let corrupt = 0;
  let end = 0;
  while (at < buf.length) {
    const r = recordAt(buf, at);
    if (r !== undefined) {
      records.push({ index: r.index, offset: at, length: r.length, tag: r.tag });
      at += HEADER_BYTES + r.length;
      end = at;
      continue;
    }
    let next = -1;
    for (let p = at + 1; p + HEADER_BYTES <= buf.length; p++) {
      if (recordAt(buf, p) !== undefined) {
        next = p;
        break;
      }
    }
    if (next < 0) return { records, end, torn: true, corrupt };
    corrupt++;
    at = next;
  }
  return { records, end, torn: false, corrupt };
}

/** An acknowledgement entry for record `index` of a segment. */
export function ackEntry(index: number, into: Buffer, at: number): void {
  into.writeUInt32LE(index >>> 0, at);
  into.writeUInt32LE(~index >>> 0, at + 4);
}

/** The record indices acknowledged in an ack file; garbled or torn entries are ignored. */
export function parseAcks(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + ACK_BYTES <= buf.length; at += ACK_BYTES) {
    const index = buf.readUInt32LE(at);
    if (~index >>> 0 === buf.readUInt32LE(at + 4)) out.push(index);
  }
  return out;
}

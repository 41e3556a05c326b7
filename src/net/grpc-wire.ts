import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { GrpcCode } from '../pdata/rpc-status.ts';

// The gRPC-over-HTTP/2 wire format, for the OTLP server and client that run on node:http2
// directly (unary calls only; see doc/PROTOCOL-HTTP2 of grpc/grpc):
//
//   request   HEADERS (:method POST, :path /pkg.Service/Method, content-type application/grpc…,
//             te: trailers, grpc-encoding?, grpc-timeout?, custom metadata)
//             DATA    1 byte compressed flag, 4 bytes big-endian length, the message
//   response  HEADERS (:status 200, content-type) DATA (one message) TRAILERS (grpc-status,
//             grpc-message?, *-bin metadata in base64); or a trailers-only HEADERS frame.

export const GRPC_CONTENT_TYPE = 'application/grpc';
/** The length prefix of a gRPC message: compressed flag (1 byte) + length (4 bytes). */
export const PREFIX_BYTES = 5;

/** True for `application/grpc` and its `+proto`/`;…` forms. */
export function isGrpcContentType(value: string | undefined): boolean {
  if (value === undefined || !value.startsWith(GRPC_CONTENT_TYPE)) return false;
  const rest = value.length === GRPC_CONTENT_TYPE.length ? '' : value[GRPC_CONTENT_TYPE.length];
  return rest === '' || rest === '+' || rest === ';';
}

/** The 5-byte prefix of a message of `length` bytes. */
export function messagePrefix(length: number, compressed: boolean): Buffer {
  const p = Buffer.allocUnsafe(PREFIX_BYTES);
  p[0] = compressed ? 1 : 0;
  p.writeUInt32BE(length, 1);
  return p;
}

/** A gRPC call's failure: its status code and message (and trailers to add, e.g. `*-bin` details). */
export class GrpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'GrpcError';
    this.code = code;
  }
}

/**
 * Collects the DATA frames of a unary call: one message, declared length checked against
 * `maxBytes` as soon as the prefix has arrived (RESOURCE_EXHAUSTED, as grpc-js), so that an
 * oversized message is refused without being buffered. No copy when the message arrives in
 * one chunk.
 */
export class UnaryMessageReader {
  readonly #maxBytes: number;
  readonly #chunks: Buffer[] = [];
  #received = 0;
  #declared = -1;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Adds a chunk; throws a GrpcError when the message is already known to be too large. */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#received += chunk.length;
    if (this.#declared < 0 && this.#received >= PREFIX_BYTES) {
      const head = this.#chunks[0].length >= PREFIX_BYTES ? this.#chunks[0] : Buffer.concat(this.#chunks);
      this.#declared = head.readUInt32BE(1);
      if (this.#declared > this.#maxBytes) {
        throw new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `Received message larger than max (${this.#declared} vs. ${this.#maxBytes})`);
      }
    }
    if (this.#declared >= 0 && this.#received > PREFIX_BYTES + this.#declared) {
      // A second message (or trailing bytes) on a unary call.
      throw new GrpcError(GrpcCode.UNIMPLEMENTED, 'unary call carries more than one message');
    }
  }

  /** At the end of the stream: the message and whether its flag says compressed. */
  finish(): { compressed: boolean; message: Buffer } {
    if (this.#received === 0) throw new GrpcError(GrpcCode.UNIMPLEMENTED, 'unary call carries no message');
    if (this.#declared < 0 || this.#received !== PREFIX_BYTES + this.#declared) {
      throw new GrpcError(GrpcCode.INTERNAL, `truncated message: ${this.#received - PREFIX_BYTES} of ${Math.max(this.#declared, 0)} bytes`);
    }
    const all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#received);
    const flag = all[0];
    if (flag > 1) throw new GrpcError(GrpcCode.INTERNAL, `bad compressed flag ${flag}`);
    return { compressed: flag === 1, message: all.subarray(PREFIX_BYTES) };
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const gzip = promisify(zlib.gzip);
const zstdDecompress = typeof zlib.zstdDecompress === 'function' ? promisify(zlib.zstdDecompress) : undefined;

/** The message encodings the server accepts (advertised in grpc-accept-encoding). */
export const ACCEPTED_ENCODINGS = zstdDecompress ? 'identity,gzip,deflate,zstd' : 'identity,gzip,deflate';

/**
 * Decompresses a message sent with `grpc-encoding: encoding`, bounded: more than `maxBytes`
 * after decompression is RESOURCE_EXHAUSTED (the decompressor stops there), an unknown
 * encoding UNIMPLEMENTED, corrupt data INTERNAL.
 */
export async function decompressMessage(encoding: string, message: Buffer, maxBytes: number): Promise<Buffer> {
  const fn = encoding === 'gzip' ? gunzip : encoding === 'deflate' ? inflate : encoding === 'zstd' ? zstdDecompress : undefined;
  if (fn === undefined) throw new GrpcError(GrpcCode.UNIMPLEMENTED, `message compressed with unsupported encoding "${encoding}"`);
  try {
    return await fn(message, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `Received message larger than max (more than ${maxBytes} bytes after ${encoding} decompression)`);
    }
    throw new GrpcError(GrpcCode.INTERNAL, `cannot decompress ${encoding} message: ${(err as Error).message}`);
  }
}

export function gzipMessage(message: Uint8Array): Promise<Buffer> {
  return gzip(message);
}

// grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself.
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

export function decodeGrpcMessage(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25 && i + 2 < value.length && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A deadline as a grpc-timeout value (at most 8 digits, in the finest unit that fits). */
export function formatTimeout(ms: number): string {
  const m = Math.max(0, Math.ceil(ms));
  if (m < 1e8) return `${m}m`;
  const s = Math.ceil(m / 1000);
  if (s < 1e8) return `${s}S`;
  return `${Math.min(99_999_999, Math.ceil(s / 60))}M`;
}

const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** A grpc-timeout value in milliseconds; undefined when absent or malformed. */
export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * TIMEOUT_UNIT_MS[match[2]];
}

/** The gRPC code for a response whose HTTP status is not 200 (the mapping of the gRPC spec). */
export function grpcCodeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return GrpcCode.INTERNAL;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.UNKNOWN;
  }
}

/** `*-bin` metadata: base64 on the wire (padding optional when reading). */
export function encodeBinHeader(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
export function decodeBinHeader(value: string | string[] | undefined): Buffer | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : Buffer.from(v, 'base64');
}

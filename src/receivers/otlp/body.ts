// Reads an HTTP request body with the size limit enforced while it streams in, then
// decompresses it with the same limit on the output. Nothing past the limit is buffered:
// a body that is too large on the wire stops being read; a compressed body that inflates
// past the limit (a "zip bomb") is cut off by zlib's maxOutputLength, not inflated whole.
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { Reason } from '../../telemetry/drop-reasons.ts';

/** A request refused while reading its body: HTTP status and a message for the client. */
export class BodyError extends Error {
  readonly status: number;
  /** Set when the request is refused for good for what it is (counted); unset when the client went away. */
  readonly reason: Reason | undefined;
  constructor(status: number, message: string, reason?: Reason) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
    this.reason = reason;
  }
}

type Inflate = (buf: Uint8Array, opts: zlib.ZlibOptions) => Promise<Buffer>;

const gunzip = promisify(zlib.gunzip) as Inflate;
const inflate = promisify(zlib.inflate) as Inflate;
const zstd: Inflate | undefined = typeof zlib.zstdDecompress === 'function' ? (promisify(zlib.zstdDecompress) as unknown as Inflate) : undefined;

const DECODERS: ReadonlyMap<string, Inflate> = new Map<string, Inflate>([['gzip', gunzip], ['x-gzip', gunzip], ['deflate', inflate], ...(zstd ? [['zstd', zstd] as [string, Inflate]] : [])]);

/** Content-Encoding values accepted, for error messages. */
export const SUPPORTED_ENCODINGS = ['identity', ...DECODERS.keys()].join(', ');

/** Whether a (lowercased, trimmed) Content-Encoding is supported. '' and identity mean none. */
export function isSupportedEncoding(enc: string): boolean {
  return enc === '' || enc === 'identity' || DECODERS.has(enc);
}

/**
 * Reads the body, refusing with 413 once more than `limit` bytes arrived. On refusal the
 * request stream is left paused; the caller answers with `Connection: close`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(new BodyError(413, `request body exceeds max_request_body_size (${limit} bytes)`, Reason.request_too_large));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new BodyError(400, `could not read the request body: ${err.message}`));
    };
    const onAborted = () => {
      cleanup();
      reject(new BodyError(400, 'the client closed the connection before the body was complete'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    // 'close' before 'end' means the body never completed (client gone or timed out).
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Decompresses a body per its Content-Encoding, refusing output above `limit` bytes with 413. */
export async function decompress(body: Buffer, encoding: string, limit: number): Promise<Buffer> {
  if (encoding === '' || encoding === 'identity') return body;
  const decode = DECODERS.get(encoding);
  if (decode === undefined) throw new BodyError(415, `unsupported Content-Encoding "${encoding}": use one of ${SUPPORTED_ENCODINGS}`);
  try {
    return await decode(body, { maxOutputLength: limit });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new BodyError(413, `decompressed request body exceeds max_request_body_size (${limit} bytes)`, Reason.request_too_large);
    }
    throw new BodyError(400, `request body is not valid ${encoding} data: ${err.message}`, Reason.malformed);
  }
}

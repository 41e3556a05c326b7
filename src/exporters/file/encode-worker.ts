// The file exporter's encoder thread: protobuf Export*ServiceRequest bytes in, the OTLP/JSON
// line (UTF-8, with its newline) out. Runs encodeJsonLineFromProto, the same code as the main
// thread, so the output is the same byte for byte. See encoder-pool.ts for the protocol.
import { parentPort } from 'node:worker_threads';
import { encodeJsonLineFromProto } from '../../pdata/json/index.ts';
import type { Signal } from '../../pdata/types.ts';

export interface EncodeJob {
  id: number;
  signal: Signal;
  bytes: Uint8Array;
}

export type EncodeResult =
  | { id: number; lines: Uint8Array; error?: undefined }
  | { id: number; lines?: undefined; error: string; name: string }
  /** Sent once, after the imports resolved: the pool's start() waits for it. */
  | { id: 0; ready: true };

const port = parentPort;
if (port === null) throw new Error('encode-worker.ts runs as a worker thread of the file exporter');

port.on('message', (job: EncodeJob) => {
  let out: EncodeResult;
  let lines: Uint8Array | undefined;
  try {
    // A buffer of its own (not from Buffer's shared pool), so that it can be transferred.
    lines = encodeJsonLineFromProto(job.signal, job.bytes);
    out = { id: job.id, lines };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    out = { id: job.id, error: e.message, name: e.name };
  }
  port.postMessage(out, lines === undefined ? [] : [lines.buffer as ArrayBuffer]);
});

port.postMessage({ id: 0, ready: true } satisfies EncodeResult);

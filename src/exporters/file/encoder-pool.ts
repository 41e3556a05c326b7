import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DecodeError } from '../../pdata/errors.ts';
import type { Signal } from '../../pdata/types.ts';
import { ExportError } from '../../net/export-error.ts';
import type { EncodeJob, EncodeResult } from './encode-worker.ts';

// Protobuf -> OTLP/JSON is most of the daemon's CPU when it writes files, and it needs
// nothing from the main thread, so it runs on worker threads. One pool serves every file
// exporter of the process (ref-counted like the shared writers): a few threads, not one per
// exporter and signal. Each exporter keeps its own line order (see file-exporter.ts); the
// pool only encodes. Threads follow the load (issue 15: each costs resident memory): the first
// starts with the pool, so that a thread that cannot load fails the start; the others (up to
// encoder_threads) start when a job arrives and every running thread is busy.

/** Jobs posted and not yet answered, over the whole pool; beyond it `encode` waits. */
export const MAX_PENDING_JOBS = 64;

// In src/ the worker is a .ts file (Node strips the types); in dist/ it was compiled to .js.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './encode-worker.ts' : './encode-worker.js', import.meta.url);

interface Job {
  resolve(line: Buffer): void;
  reject(err: Error): void;
  thread: Thread;
}

interface Thread {
  worker: Worker;
  pending: number;
  /** Resolves once the worker loaded its modules; rejects when it could not. */
  ready: Promise<void>;
}

class EncoderPool {
  readonly #logger: Logger;
  readonly #threads: (Thread | undefined)[] = [];
  readonly #jobs = new Map<number, Job>();
  #waiters: (() => void)[] = [];
  #nextId = 1;
  #closing = false;

  constructor(size: number, logger: Logger) {
    this.#logger = logger;
    this.grow(size);
    this.#threads[0] = this.#spawn(0);
  }

  /** Allows threads up to `size` (the largest encoder_threads of the pool's users); they start with the load. */
  grow(size: number): void {
    while (this.#threads.length < size) this.#threads.push(undefined);
  }

  /** Threads running now. */
  get running(): number {
    let n = 0;
    for (const t of this.#threads) if (t !== undefined) n++;
    return n;
  }

  /** Resolves when every thread loaded; rejects with the first failure. */
  async ready(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t?.ready));
  }

  /**
   * The OTLP/JSON line (with its newline) of a protobuf request. Throws DecodeError for
   * malformed bytes, a retryable ExportError when the thread died, and the deadline's reason
   * when it aborts while waiting for room in the pool.
   */
  async encode(signal: Signal, bytes: Uint8Array, deadline: AbortSignal): Promise<Buffer> {
    while (this.#jobs.size >= MAX_PENDING_JOBS) await this.#room(deadline);
    if (this.#closing) throw ExportError.retryable('the file encoder threads are stopping');
    // A copy of our own to transfer: the batch's bytes may be shared with other consumers
    // (and may be a view into a larger buffer, which a plain post would copy whole).
    // Not zero-filled (every byte is copied over) and not from Buffer's pool (transferable).
    const copy = Buffer.allocUnsafeSlow(bytes.length);
    copy.set(bytes);
    const thread = this.#pick();
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<Buffer>();
    this.#jobs.set(id, { resolve, reject, thread });
    thread.pending++;
    thread.worker.postMessage({ id, signal, bytes: copy } satisfies EncodeJob, [copy.buffer]);
    return promise;
  }

  async close(): Promise<void> {
    this.#closing = true;
    const threads = this.#threads.splice(0);
    this.#failJobs(undefined, ExportError.retryable('the file encoder threads stopped'));
    await Promise.all(threads.map((t) => t?.worker.terminate()));
  }

  /**
   * The least busy thread. When every running thread has work (or none runs: it died), an
   * empty slot gets a new thread here.
   */
  #pick(): Thread {
    let best: Thread | undefined;
    let empty = -1;
    for (let i = 0; i < this.#threads.length; i++) {
      const t = this.#threads[i];
      if (t === undefined) {
        if (empty < 0) empty = i;
      } else if (best === undefined || t.pending < best.pending) best = t;
    }
    if (empty >= 0 && (best === undefined || best.pending > 0)) {
      best = this.#spawn(empty);
      this.#threads[empty] = best;
    }
    return best!;
  }

  #spawn(slot: number): Thread {
    const worker = new Worker(WORKER_URL, { name: `file-encoder-${slot}` });
    const { promise: ready, resolve, reject } = Promise.withResolvers<void>();
    ready.catch(() => {}); // awaited by start(); a later failure is handled on 'exit'
    const thread: Thread = { worker, pending: 0, ready };
    let lastError: Error | undefined;
    worker.on('message', (msg: EncodeResult) => {
      if ('ready' in msg) return resolve();
      const job = this.#jobs.get(msg.id);
      if (job === undefined) return;
      this.#jobs.delete(msg.id);
      thread.pending--;
      if (msg.lines !== undefined) job.resolve(Buffer.from(msg.lines.buffer, msg.lines.byteOffset, msg.lines.byteLength));
      else job.reject(msg.name === 'DecodeError' ? new DecodeError(msg.error) : new Error(msg.error));
      this.#wake();
    });
    worker.on('error', (err) => {
      lastError = err;
      reject(new Error(`cannot start the file exporter's encoder thread (${WORKER_URL.pathname}): ${err.message}`));
    });
    worker.on('exit', (code) => {
      if (this.#closing) return;
      const why = lastError?.message ?? `exit code ${code}`;
      reject(new Error(`the file exporter's encoder thread stopped while starting: ${why}`));
      // The slot is refilled by the next encode: a thread that cannot start is not respawned in a loop.
      if (this.#threads[slot] === thread) this.#threads[slot] = undefined;
      const lost = thread.pending;
      this.#failJobs(thread, ExportError.retryable(`the file encoder thread stopped (${why}); the batch will be retried`));
      this.#logger.error(
        { thread: slot, jobs: lost, err: lastError },
        `file exporter encoder thread ${slot} stopped (${why}); ${lost} batches will be retried, a new thread starts with the next batch`,
      );
    });
    return thread;
  }

  #failJobs(thread: Thread | undefined, err: ExportError): void {
    for (const [id, job] of this.#jobs) {
      if (thread !== undefined && job.thread !== thread) continue;
      this.#jobs.delete(id);
      job.thread.pending--;
      job.reject(err);
    }
    this.#wake();
  }

  #room(deadline: AbortSignal): Promise<void> {
    if (deadline.aborted) return Promise.reject(deadline.reason);
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const onAbort = () => reject(deadline.reason);
    deadline.addEventListener('abort', onAbort, { once: true });
    this.#waiters.push(() => {
      deadline.removeEventListener('abort', onAbort);
      resolve();
    });
    return promise;
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    // Every waiter rechecks the limit: cheaper than counting, and the list is short.
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

let shared: { pool: EncoderPool; refs: number } | undefined;

/** A reference to the shared pool; `release` once, when done. */
export interface EncoderLease {
  encode(signal: Signal, bytes: Uint8Array, deadline: AbortSignal): Promise<Buffer>;
  release(): Promise<void>;
  /** Encoder threads running now in the shared pool (they start with the load). */
  readonly threads: number;
}

/**
 * Gets the shared pool with at least `threads` threads, starting it on first use, and waits
 * until its threads have loaded. The last release terminates the threads.
 */
export async function acquireEncoder(threads: number, logger: Logger, who: string): Promise<EncoderLease> {
  if (shared === undefined) shared = { pool: new EncoderPool(threads, logger), refs: 0 };
  else shared.pool.grow(threads);
  const held = shared;
  held.refs++;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    if (--held.refs > 0) return;
    if (shared === held) shared = undefined;
    await held.pool.close();
  };
  try {
    await held.pool.ready();
  } catch (err) {
    await release();
    throw new Error(`${who}: ${err instanceof Error ? err.message : String(err)}; set encoder_threads: 0 to encode on the main thread`, { cause: err });
  }
  return {
    encode: (signal, bytes, deadline) => held.pool.encode(signal, bytes, deadline),
    release,
    get threads() {
      return held.pool.running;
    },
  };
}

import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExportError } from '../../net/export-error.ts';

export interface WriterOptions {
  /** Undefined: never rotate. */
  rotation: { maxBytes: number; maxBackups: number } | undefined;
  flushIntervalMs: number;
}

/** Whoever appended a line: told when its lines could not be written by close(). */
export interface LineOwner {
  lost(items: number, error: string): void;
}

// Lines are written once this much is buffered, and appenders wait for the write: the
// buffer never holds much more than this plus one line per concurrent appender.
const FLUSH_BYTES = 1 << 20;

/**
 * Appends whole lines to a file, buffered, with size-based rotation in the manner of
 * Python's RotatingFileHandler (`<path>.1` newest … `<path>.N` oldest). A line is never
 * split across files and lines from concurrent appenders never interleave.
 *
 * A failed write (disk full) keeps the buffered lines and retries them on the next flush;
 * while the failure lasts, new lines are refused with a retryable ExportError, so the
 * exporter's queue backs up instead of the buffer growing.
 */
export class RotatingWriter {
  readonly path: string;
  readonly options: WriterOptions;
  #fh: FileHandle | undefined;
  #size = 0;
  // Lines are kept as bytes: encoded once when appended, written with one write per flush.
  #lines: Buffer[] = [];
  #bytes: number[] = [];
  #items: number[] = [];
  #owners: LineOwner[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #error: string | undefined;
  #closed = false;

  constructor(path: string, options: WriterOptions) {
    this.path = path;
    this.options = options;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.#reopen();
  }

  /** The last write error while it lasts. */
  get error(): string | undefined {
    return this.#error;
  }

  /**
   * Resolves when lines are accepted; while a write failure lasts, retries the buffered lines
   * and throws a retryable ExportError. A caller checks this before it builds a line, so that a
   * failing disk does not cost an encoding per attempt.
   */
  async ready(): Promise<void> {
    if (this.#error !== undefined) {
      await this.flush();
      if (this.#error !== undefined) throw ExportError.retryable(`cannot write ${this.path}: ${this.#error}`);
    }
  }

  /** Buffers one line (ending in `\n`); resolves once it is buffered or, when the buffer is full, written. */
  async append(line: string | Buffer, items: number, owner: LineOwner): Promise<void> {
    if (this.#error !== undefined) await this.ready();
    const bytes = typeof line === 'string' ? Buffer.from(line) : line;
    const n = bytes.length;
    this.#lines.push(bytes);
    this.#bytes.push(n);
    this.#items.push(items);
    this.#owners.push(owner);
    this.#pendingBytes += n;
    if (this.#pendingBytes >= FLUSH_BYTES) await this.flush();
    else this.#arm();
  }

  /** Writes everything buffered. Never rejects: a failure is kept in `error` and retried later. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushLoop().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Flushes and closes; returns the number of lines that could not be written (reported to their owners). */
  async close(): Promise<number> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    const lost = this.#lines.length;
    for (let i = 0; i < lost; i++) this.#owners[i].lost(this.#items[i], this.#error ?? 'writer closed');
    this.#take(lost);
    await this.#fh?.close();
    this.#fh = undefined;
    return lost;
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs);
    this.#timer.unref();
  }

  async #flushLoop(): Promise<void> {
    while (this.#lines.length > 0 && !this.#closed) {
      try {
        await this.#writeBuffered(this.#lines.length);
        this.#error = undefined;
      } catch (err) {
        this.#error = err instanceof Error ? err.message : String(err);
        this.#arm();
        return;
      }
    }
  }

  /**
   * Writes the first `count` buffered lines, rotating between lines, and takes each chunk
   * off the buffer once it is written, so that a failure retries only what is left.
   */
  async #writeBuffered(count: number): Promise<void> {
    if (this.#fh === undefined) await this.#reopen(); // a failed rotation left it closed
    const rotation = this.options.rotation;
    while (count > 0) {
      // The lines that fit in the live file; when not even the first fits, rotate first.
      let end = 0;
      let bytes = 0;
      while (end < count) {
        const n = this.#bytes[end];
        if (rotation !== undefined && this.#size + bytes + n > rotation.maxBytes && this.#size + bytes > 0) break;
        bytes += n;
        end++;
      }
      await this.#writeChunk(end, bytes);
      this.#take(end);
      count -= end;
      if (count > 0) await this.#rotate(rotation!.maxBackups);
    }
  }

  async #writeChunk(count: number, bytes: number): Promise<void> {
    if (count === 0) return;
    const buf = count === 1 ? this.#lines[0] : Buffer.concat(this.#lines.slice(0, count), bytes);
    const fh = this.#fh!;
    try {
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
    } catch (err) {
      // Cut back to the last whole line so that the retry does not leave half a line behind.
      await fh.truncate(this.#size).catch(() => {});
      throw err;
    }
    this.#size += bytes;
  }

  async #reopen(): Promise<void> {
    this.#fh = await open(this.path, 'a');
    this.#size = (await this.#fh.stat()).size;
  }

  async #rotate(maxBackups: number): Promise<void> {
    await this.#fh!.close();
    this.#fh = undefined;
    for (let i = maxBackups - 1; i >= 1; i--) {
      await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(ignoreMissing);
    }
    await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    await this.#reopen();
  }

  #take(n: number): void {
    if (n === 0) return;
    for (let i = 0; i < n; i++) this.#pendingBytes -= this.#bytes[i];
    this.#lines.splice(0, n);
    this.#bytes.splice(0, n);
    this.#items.splice(0, n);
    this.#owners.splice(0, n);
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

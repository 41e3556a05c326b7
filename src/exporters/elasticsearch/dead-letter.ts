import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A document Elasticsearch refused for good, with why. */
export interface DeadLetter {
  index: string;
  status: number;
  /** Elasticsearch's error type, e.g. `document_parsing_exception`. */
  type: string;
  reason: string;
  /** The document's JSON, as it was sent. */
  source: string;
}

/**
 * The dead-letter file: JSON lines `{"time","index","status","type","reason","document"}`.
 * Bounded by rotation: when a write would take the file past `maxBytes` it is renamed to
 * `<path>.1` (older ones shift to `.2` ... up to `maxBackups`, the oldest is deleted), so the
 * files never hold more than (maxBackups + 1) × maxBytes. Writes are serialized.
 */
export class DeadLetterFile {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #maxBackups: number;
  #size = -1;
  #tail: Promise<void> = Promise.resolve();

  constructor(path: string, maxBytes: number, maxBackups: number) {
    this.path = path;
    this.#maxBytes = maxBytes;
    this.#maxBackups = maxBackups;
  }

  /** Appends the letters; resolves when they are written (rejects on a disk error). */
  write(letters: readonly DeadLetter[]): Promise<void> {
    const time = new Date().toISOString();
    let text = '';
    for (const l of letters) {
      // The document is spliced in as it was sent: no parse and re-serialize.
      text += `{"time":"${time}","index":${JSON.stringify(l.index)},"status":${l.status},"type":${JSON.stringify(l.type)},` + `"reason":${JSON.stringify(l.reason)},"document":${l.source}}\n`;
    }
    const next = this.#tail.then(() => this.#append(text));
    this.#tail = next.catch(() => {});
    return next;
  }

  async #append(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.#size < 0) {
      await mkdir(dirname(this.path), { recursive: true });
      this.#size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
    }
    if (this.#size > 0 && this.#size + bytes > this.#maxBytes) await this.#rotate();
    await appendFile(this.path, text);
    this.#size += bytes;
  }

  async #rotate(): Promise<void> {
    if (this.#maxBackups === 0) {
      await rm(this.path, { force: true });
    } else {
      await rm(`${this.path}.${this.#maxBackups}`, { force: true });
      for (let i = this.#maxBackups - 1; i >= 1; i--) {
        await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
      }
      await rename(this.path, `${this.path}.1`);
    }
    this.#size = 0;
  }
}

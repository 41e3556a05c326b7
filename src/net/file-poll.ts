import { readFile } from 'node:fs/promises';

/**
 * Reads a small file every `intervalMs` and calls `changed` with its new content when it
 * differs from the last read. Reading the content (not watching mtimes or inotify) follows
 * every way a file gets replaced, including Kubernetes' symlink swap of a mounted Secret.
 * A read that fails is reported once, until the file reads again; so is a `changed` that throws.
 */
export class FilePoll {
  readonly #path: string;
  #last: Buffer;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(path: string, current: Buffer) {
    this.#path = path;
    this.#last = current;
  }

  start(intervalMs: number, changed: (content: Buffer) => void, failed: (err: Error) => void): void {
    if (this.#timer || intervalMs <= 0) return;
    let busy = false;
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      readFile(this.#path)
        .then(
          (content) => {
            this.#failing = false;
            if (content.equals(this.#last)) return;
            this.#last = content;
            try {
              changed(content);
            } catch (err) {
              failed(err as Error);
            }
          },
          (err: Error) => {
            if (!this.#failing) failed(err);
            this.#failing = true;
          },
        )
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

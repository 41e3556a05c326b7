import { resolve } from 'node:path';
import { RotatingWriter, type WriterOptions } from './rotating-writer.ts';

// One writer per file, shared by every file exporter instance that names it (the exporter
// is built once per signal, and two ids may name the same path): one buffer means lines
// never interleave, and one size count means the file is rotated once, not once per writer.

interface Entry {
  writer: RotatingWriter;
  refs: number;
  opened: Promise<void>;
}

const writers = new Map<string, Entry>();

/** A reference to a shared writer; `release` once, when done. */
export interface WriterLease {
  readonly writer: RotatingWriter;
  release(): Promise<void>;
}

/**
 * Gets the writer for `path` (resolved), opening the file on first use. Throws when another
 * exporter already writes the file with different rotation settings.
 */
export async function acquireWriter(path: string, options: WriterOptions, who: string): Promise<WriterLease> {
  const key = resolve(path);
  let entry = writers.get(key);
  if (entry === undefined) {
    const writer = new RotatingWriter(key, options);
    entry = { writer, refs: 0, opened: writer.open() };
    writers.set(key, entry);
    entry.opened.catch(() => {
      if (writers.get(key) === entry) writers.delete(key);
    });
  } else if (!sameRotation(entry.writer.options, options)) {
    throw new Error(`${who}: ${key} is already written by another file exporter with different rotation settings; ` + 'give every file exporter that writes this path the same rotation block');
  }
  entry.refs++;
  const held = entry;
  try {
    await held.opened;
  } catch (err) {
    held.refs--;
    throw new Error(`${who}: cannot open ${key}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let released = false;
  return {
    writer: held.writer,
    async release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) {
        await held.writer.flush();
        return;
      }
      if (writers.get(key) === held) writers.delete(key);
      await held.writer.close();
    },
  };
}

function sameRotation(a: WriterOptions, b: WriterOptions): boolean {
  if (a.rotation === undefined || b.rotation === undefined) return a.rotation === b.rotation;
  return a.rotation.maxBytes === b.rotation.maxBytes && a.rotation.maxBackups === b.rotation.maxBackups;
}

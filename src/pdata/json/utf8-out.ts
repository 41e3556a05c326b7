// A growing scratch buffer that strings are UTF-8-encoded into as they are produced, and a copy
// of exactly the bytes written when done. The scratch is kept between uses (up to KEEP_MAX) so
// that a steady load allocates one buffer per result, not one per growth step.

const INITIAL = 64 * 1024;
/** A scratch grown past this (one very large request) is let go after its use. */
const KEEP_MAX = 16 * 1024 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit takes (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

export class Utf8Out {
  #buf: Buffer = Buffer.allocUnsafeSlow(INITIAL);
  #n = 0;

  /** Bytes written since the last reset. */
  get length(): number {
    return this.#n;
  }

  reset(): void {
    this.#n = 0;
  }

  /** Appends a string known to be ASCII (short literals). */
  ascii(s: string): void {
    this.#room(s.length);
    this.#n += this.#buf.write(s, this.#n, 'latin1');
  }

  /** Appends a string as UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from writes it). */
  write(s: string): void {
    // Room for the worst case is checked without reading the string; only near the end of the
    // scratch is it measured (one more pass) to grow it by what it takes.
    if (s.length * MAX_BYTES_PER_UNIT > this.#buf.length - this.#n) this.#room(Buffer.byteLength(s, 'utf8'));
    this.#n += this.#buf.write(s, this.#n, 'utf8');
  }

  /** The bytes written, in a buffer of their own (transferable); the scratch is kept for the next use. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.#n);
    this.#buf.copy(out, 0, 0, this.#n);
    this.#n = 0;
    if (this.#buf.length > KEEP_MAX) this.#buf = Buffer.allocUnsafeSlow(INITIAL);
    return out;
  }

  #room(more: number): void {
    const need = this.#n + more;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.#buf.copy(next, 0, 0, this.#n);
    this.#buf = next;
  }
}

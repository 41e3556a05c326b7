// Sensitive key names, matched after normalisation (docs/decisions.md, "textual key
// matching"): `user_password`, `userPassword`, `DB-Password`, `"password "`, a fullwidth
// `ｐａｓｓｗｏｒｄ` or one with zero-width characters all mean `password`.
//
// A key is normalised by NFKC (fullwidth and other compatibility forms), removing zero-width
// and format characters, and reading it as words: separators `_ - . / : space` and camelCase
// boundaries split words, case is ignored, and trailing digits are dropped (`password2`). A
// configured entry matches a key whose words end with the entry's words. An entry of five or
// more letters also matches glued to a word before it (`userpassword`, `dbsecret`); shorter
// ones (`pwd`) need a boundary, so that `cwd` stays a key of its own.
//
// The ASCII path allocates nothing: it compares the key's characters backwards against each
// entry's compact form. Keys with other characters are normalised first (rare).
import { foldConfusables, isInvisible } from '../../match/normalise.ts';

function isSep(c: number): boolean {
  return c === 95 || c === 45 || c === 46 || c === 32 || c === 47 || c === 58 || c === 9; // _ - . space / : tab
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlnum(c: number): boolean {
  return isLower(c) || isUpper(c) || isDigit(c);
}

/** Entries shorter than this need a word boundary before them. */
const GLUED_MIN = 5;

export class SensitiveKeys {
  /** Each entry as lowercase letters and digits, separators removed. */
  readonly #compact: string[];
  /** Bit per lowercase letter: the last letters of entries (a cheap first test). */
  readonly #lastLetters: number;
  readonly #minLength: number;
  /** The last two characters of entries (a second cheap test), and whether an entry is one character. */
  readonly #lastTwo = new Uint8Array(128 * 128);
  #short = false;

  constructor(entries: readonly string[]) {
    this.#compact = [...new Set(entries.map((e) => compactOf(e)).filter((e) => e.length > 0))];
    let bits = 0;
    for (const e of this.#compact) {
      bits |= letterBit(e.charCodeAt(e.length - 1));
      if (e.length >= 2) this.#lastTwo[e.charCodeAt(e.length - 2) * 128 + e.charCodeAt(e.length - 1)] = 1;
      else this.#short = true;
    }
    this.#lastLetters = bits;
    this.#minLength = Math.min(...this.#compact.map((e) => e.length));
  }

  /**
   * A quick test on a key's last two characters (lower-cased ASCII, separators and trailing
   * digits already skipped by the caller): false when no entry can end this way.
   */
  mayEndWith(before: number, last: number): boolean {
    if (last >= 128 || before >= 128) return true;
    if ((this.#lastLetters & letterBit(lower(last))) === 0) return false;
    return this.#short || this.#lastTwo[lower(before) * 128 + lower(last)] === 1;
  }

  /** Whether the key names a secret. */
  matches(key: string): boolean {
    return this.matchesRange(key, 0, key.length);
  }

  /** Whether s[start, end) is a key that names a secret. */
  matchesRange(s: string, start: number, end: number): boolean {
    // Trim separators and spaces at both ends, and trailing digits.
    while (start < end && (isSep(s.charCodeAt(start)) || s.charCodeAt(start) === 34 || s.charCodeAt(start) === 39)) start++;
    while (end > start && (isSep(s.charCodeAt(end - 1)) || isDigit(s.charCodeAt(end - 1)))) end--;
    if (end - start < this.#minLength) return false;
    // Most keys end in a letter no entry ends in: out without reading the rest. (A non-ASCII
    // last character, e.g. a zero-width one, has no bit here and goes to the slow path.)
    const last = s.charCodeAt(end - 1);
    if (last < 128) {
      if ((this.#lastLetters & letterBit(lower(last))) === 0) return false;
      // The character before the last, separators skipped.
      let k = end - 2;
      while (k >= start && isSep(s.charCodeAt(k))) k--;
      const before = k >= start ? s.charCodeAt(k) : 0;
      if (before < 128 && !this.#short && this.#lastTwo[lower(before) * 128 + lower(last)] === 0) return false;
    }
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) return this.#slow(s.slice(start, end));
    }
    for (const e of this.#compact) if (this.#endsWith(s, start, end, e)) return true;
    return false;
  }

  /** s[start, end) (ASCII) read as compact lowercase ends with entry `e`, at a boundary or glued when long enough. */
  #endsWith(s: string, start: number, end: number, e: string): boolean {
    let k = e.length - 1;
    let i = end - 1;
    for (; i >= start && k >= 0; i--) {
      const c = s.charCodeAt(i);
      if (isSep(c)) continue;
      if (lower(c) !== e.charCodeAt(k)) return false;
      k--;
    }
    if (k >= 0) return false;
    // i + 1 is where the entry's first character is.
    if (e.length >= GLUED_MIN) return true;
    return boundaryBefore(s, start, i + 1);
  }

  #slow(key: string): boolean {
    let clean = '';
    for (const ch of key.normalize('NFKC')) {
      const c = ch.charCodeAt(0);
      if (!isInvisible(c)) clean += ch;
    }
    clean = foldConfusables(clean);
    for (let i = 0; i < clean.length; i++) if (clean.charCodeAt(i) >= 128) return false;
    return clean.length > 0 && this.matchesRange(clean, 0, clean.length);
  }
}

/** A word starts at `p` of s (p > start: a separator before, or a camelCase boundary). */
function boundaryBefore(s: string, start: number, p: number): boolean {
  // Separators skipped while matching: step back over them.
  let q = p;
  while (q > start && isSep(s.charCodeAt(q - 1))) q--;
  if (q === start || q !== p) return true;
  const c = s.charCodeAt(p);
  const b = s.charCodeAt(p - 1);
  if (isUpper(c) && (isLower(b) || isDigit(b))) return true;
  if (isUpper(c) && isUpper(b) && p + 1 < s.length && isLower(s.charCodeAt(p + 1))) return true;
  return !isAlnum(b);
}

function lower(c: number): number {
  return isUpper(c) ? c + 32 : c;
}

function letterBit(c: number): number {
  return isLower(c) ? 1 << (c - 97) : isDigit(c) ? 1 << 26 : 0;
}

/** An entry as lowercase letters and digits. */
function compactOf(entry: string): string {
  let out = '';
  for (const ch of foldConfusables(entry.normalize('NFKC'))) {
    const c = ch.charCodeAt(0);
    if (isAlnum(c)) out += String.fromCharCode(lower(c));
  }
  return out;
}

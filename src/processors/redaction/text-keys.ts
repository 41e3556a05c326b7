// Sensitive keys inside text (docs/decisions.md, "textual key matching"): the value after a
// key that names a secret, in every shape loggers write key and value into a message:
//
//   logfmt / structlog KeyValueRenderer   password=hunter2   password="hunter 2"   password='hunter2'
//   JSON (JSONRenderer), JSON in a string {"password": "..."}   {\"password\": \"...\"}
//   Python repr                           {'password': '...'}   b'...'
//   URL query and fragment                ?token=...&page=2   #access_token=...
//   header dumps, YAML                    Authorization: Basic ...   Cookie: a=b; c=d   password: ...
//
// The scan looks at each `=` and `:`; for each, the key before it is read backwards (quoted or
// not) and matched by SensitiveKeys, which allocates nothing for ASCII keys. Only then is the
// value's extent found: to the closing quote, the matching bracket of a nested object or
// list, or else the next whitespace (and `&`/`#` in a URL, `,` `}` `]` after a quoted key);
// for header-like keys also the credential after a scheme word (`Bearer xyz`) and every pair
// of a cookie list (`a=1; b=2`). Values that are empty, null or already redacted stay.
import type { SensitiveKeys } from './keys.ts';

/** Longest key read back from a separator. */
const MAX_KEY = 64;
/** Longest nested value ({...} or [...]) redacted whole; past it, to the end of the string. */
const MAX_NESTED = 8192;

const COLON = 58,
  DQ = 34,
  SQ = 39,
  BS = 92,
  SP = 32;

function isSpace(c: number): boolean {
  return c === SP || c === 9 || c === 10 || c === 13;
}

/** Characters of an unquoted key: letters, digits, `_ - .`, and anything non-ASCII (fullwidth, zero-width). */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || (c >= 128 && c !== 0x3000 && c !== 0xa0);
}

/** Skipped at a key's end: digits (`password2`) and separators. */
function isTrailing(c: number): boolean {
  return (c >= 48 && c <= 57) || isKeySep(c);
}

function isKeySep(c: number): boolean {
  return c === 95 || c === 45 || c === 46 || c === SP;
}

export interface RangeSink {
  /** A value to redact: s[start, end). */
  keyed(start: number, end: number): void;
}

export class TextKeyScanner {
  readonly #keys: SensitiveKeys;
  /** Header-like keys: a scheme word and its credential, or a cookie list, make up the value. */
  readonly #lineKeys: SensitiveKeys;

  constructor(keys: SensitiveKeys, lineKeys: SensitiveKeys) {
    this.#keys = keys;
    this.#lineKeys = lineKeys;
  }

  scan(s: string, sink: RangeSink): void {
    const n = s.length;
    // The next '=' and the next ':', each found by indexOf (native) and kept until passed.
    let eq = s.indexOf('=');
    let colon = s.indexOf(':');
    let i = 0;
    while (i < n) {
      if (eq >= 0 && eq < i) eq = s.indexOf('=', i);
      if (colon >= 0 && colon < i) colon = s.indexOf(':', i);
      let sep = eq;
      if (sep < 0 || (colon >= 0 && colon < sep)) sep = colon;
      if (sep < 0) return;
      i = this.#at(s, sep, sink);
    }
  }

  /** Handles the separator at `sep`; returns where scanning goes on. */
  #at(s: string, sep: number, sink: RangeSink): number {
    const n = s.length;
    const c = s.charCodeAt(sep);
    const next = sep + 1 < n ? s.charCodeAt(sep + 1) : 0;
    // '==', '::', '://', ':=' are not key/value separators here.
    if (next === c || (c === COLON && next === 47)) return sep + 2;
    // The key: back over spaces, then a quoted key or a run of key characters.
    let ke = sep;
    while (ke > 0 && s.charCodeAt(ke - 1) === SP && sep - ke < 2) ke--;
    let ks: number;
    let quoted = false;
    const q = ke > 0 ? s.charCodeAt(ke - 1) : 0;
    // First the key's last two characters (past a closing quote, trailing digits and
    // separators): most separators in a line (times, `W=1.2u`) stop here.
    let j = ke - 1;
    if (q === DQ || q === SQ) j--;
    if (j >= 0 && s.charCodeAt(j) === BS) j--;
    while (j >= 0 && ke - j < 8 && isTrailing(s.charCodeAt(j))) j--;
    if (j < 0) return sep + 1;
    let b = j - 1;
    while (b >= 0 && isKeySep(s.charCodeAt(b))) b--;
    if (!this.#keys.mayEndWith(b >= 0 ? s.charCodeAt(b) : 0, s.charCodeAt(j))) return sep + 1;
    if (q === DQ || q === SQ) {
      quoted = true;
      const close = ke - 1;
      ks = close;
      while (ks > 0 && close - ks < MAX_KEY && s.charCodeAt(ks - 1) !== q) ks--;
      if (ks === 0 || s.charCodeAt(ks - 1) !== q) return sep + 1;
      ke = close;
      if (ke > ks && s.charCodeAt(ke - 1) === BS) ke--; // \"key\"
    } else {
      ks = ke;
      while (ks > 0 && ke - ks < MAX_KEY && isKeyChar(s.charCodeAt(ks - 1))) ks--;
    }
    if (ke <= ks) return sep + 1;
    if (!this.#keys.matchesRange(s, ks, ke)) {
      // "api key=...": one more word before, for keys written with a space.
      if (quoted || ks < 2 || s.charCodeAt(ks - 1) !== SP || !isKeyChar(s.charCodeAt(ks - 2))) return sep + 1;
      let k2 = ks - 1;
      while (k2 > 0 && ke - k2 < MAX_KEY && isKeyChar(s.charCodeAt(k2 - 1))) k2--;
      if (!this.#keys.matchesRange(s, k2, ke)) return sep + 1;
      ks = k2;
    }
    // Where the key sits: after '?', '&', '#' or ';' it is a URL parameter or cookie.
    const before = ks - (quoted ? 2 : 1) >= 0 ? s.charCodeAt(ks - (quoted ? 2 : 1)) : 0;
    const url = !quoted && (before === 63 || before === 38 || before === 35 || before === 59);
    // The value.
    let vs = sep + 1;
    while (vs < n && vs - sep <= 3 && (s.charCodeAt(vs) === SP || s.charCodeAt(vs) === 9)) vs++;
    if (vs >= n) return n;
    let v = s.charCodeAt(vs);
    // Python bytes and raw strings: b'...', r"..."
    if ((v === 98 || v === 114) && vs + 1 < n && (s.charCodeAt(vs + 1) === SQ || s.charCodeAt(vs + 1) === DQ)) {
      vs++;
      v = s.charCodeAt(vs);
    }
    let start: number;
    let end: number;
    if (v === DQ || v === SQ) {
      start = vs + 1;
      end = closingQuote(s, start, v, false);
    } else if (v === BS && vs + 1 < n && (s.charCodeAt(vs + 1) === DQ || s.charCodeAt(vs + 1) === SQ)) {
      start = vs + 2;
      end = closingQuote(s, start, s.charCodeAt(vs + 1), true);
    } else if (v === 123 || v === 91) {
      start = vs;
      end = closingBracket(s, vs);
    } else {
      start = vs;
      end = wordEnd(s, vs, url, quoted);
      if (this.#lineKeys.matchesRange(s, ks, ke)) {
        // Header values: "Bearer xyz" (the credential after the scheme word), and cookie lists "a=1; b=2".
        if (end < n && s.charCodeAt(end) === SP && isScheme(s, vs, end)) end = wordEnd(s, end + 1, url, quoted);
        while (end + 1 < n && s.charCodeAt(end) === 59 && s.charCodeAt(end + 1) === SP) {
          const next = wordEnd(s, end + 2, url, quoted);
          const eq = s.indexOf('=', end + 2);
          if (eq < 0 || eq >= next) break; // "; key AKIA...": prose after the header, not another cookie
          end = next;
        }
      }
    }
    if (end <= start || isInert(s, start, end)) return Math.max(sep + 1, end);
    sink.keyed(start, end);
    return end;
  }
}

/** The closing quote of a string starting at `from` (backslash escapes honoured); the end of the string when none. */
function closingQuote(s: string, from: number, quote: number, escaped: boolean): number {
  const n = s.length;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (escaped) {
      // Inside a JSON string that holds JSON: the value ends at the next \" (a \\\" is an escaped quote in it).
      if (c === BS && i + 1 < n && s.charCodeAt(i + 1) === quote) {
        let b = 0;
        for (let k = i; k >= from && s.charCodeAt(k) === BS; k--) b++;
        if (b % 2 === 1) return i;
      }
      continue;
    }
    if (c === BS) {
      i++;
      continue;
    }
    if (c === quote) return i;
  }
  return n;
}

/** The end (exclusive) of a {...} or [...] value starting at `from`, strings skipped; bounded. */
function closingBracket(s: string, from: number): number {
  const n = Math.min(s.length, from + MAX_NESTED);
  let depth = 0;
  let inStr = 0;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (inStr !== 0) {
      if (c === BS) i++;
      else if (c === inStr) inStr = 0;
      continue;
    }
    if (c === DQ || c === SQ) inStr = c;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return s.length;
}

/** An unquoted value: to whitespace; in a URL also to & and #; after a quoted key also to , } ] ). */
function wordEnd(s: string, from: number, url: boolean, structured: boolean): number {
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === DQ || c === SQ) break;
    if (url && (c === 38 || c === 35)) break;
    if (structured && (c === 44 || c === 125 || c === 93 || c === 41)) break;
  }
  // A trailing comma or semicolon is punctuation, not part of the value.
  while (i > from && (s.charCodeAt(i - 1) === 44 || s.charCodeAt(i - 1) === 59)) i--;
  return i;
}

const SCHEMES = ['bearer', 'basic', 'digest', 'token', 'negotiate', 'apikey', 'sso-key'];
function isScheme(s: string, start: number, end: number): boolean {
  const w = s.slice(start, end).toLowerCase();
  return SCHEMES.includes(w);
}

/** Nothing to hide: null, None, empty, or already a redaction token. */
function isInert(s: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 4 && (s.startsWith('null', start) || s.startsWith('None', start) || s.startsWith('true', start))) return true;
  if (len === 5 && s.startsWith('false', start)) return true;
  return s.startsWith('[REDACTED:', start) || s.startsWith('[HASHED:', start);
}

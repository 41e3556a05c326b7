// One pass over a string's characters that says which built-in detectors could possibly
// match it, so that a typical log line runs two or three regexes instead of sixteen. Each
// test is necessary for its detector's regex (never sufficient): a bit left off means the
// regex cannot match, so skipping it is safe. Bits are indexes into DETECTOR_NAMES.
import { DETECTOR_NAMES, type DetectorName } from './config.ts';

const bit = (name: DetectorName): number => 1 << DETECTOR_NAMES.indexOf(name);
export const BIT = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, bit(n)])) as Record<DetectorName, number>;

// Character classes of ASCII codes (anything else is 0 and ends every run), and marks for the
// characters that literal markers need, so that a substring search runs only when it can hit.
const DIGIT = 1,
  B64 = 2,
  SEP = 4;
const AT = 8,
  UNDERSCORE = 16,
  COLON = 32,
  J = 64,
  B_UP = 128,
  B_LOW = 256,
  X = 512,
  OTHER = 1024, // any character outside ASCII
  DASH = 4096;
// Pairs, seen by peeking at the next character after a 'b'/'B' or 'x' (both are common in log
// lines, so the single marks would send most lines to the substring searches): B or b then
// e/E/a/A ("Bearer", "basic"), and x then o or a ("xoxb-", "xapp-").
const BE = 1 << 17,
  XO = 1 << 18,
  // Set in `seen` by peeking at the character before a mark, so that substring searches for
  // the new token prefixes run only when their last characters are there.
  DASHES = 1 << 19, // "--" (PEM armour)
  TOKEN_DASH = 1 << 20, // "t-" "i-" "k-" (glpat-, pypi-, sk-)
  KEY_EQ = 1 << 21, // "y=" "g=" (AccountKey=, SharedAccessKey=, sig=)
  TOKEN_US = 1 << 22, // "e_" "m_" (service_account, npm_)
  SG = 1 << 23, // "SG."
  PCT = 8192,
  EQ = 32768,
  G_UP = 2048,
  Z_LOW = 16384;
const CLASS = new Uint16Array(128); // BE and XO are never in it: they are set in `seen` only
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | B64;
for (let c = 65; c <= 90; c++) CLASS[c] = B64;
for (let c = 97; c <= 122; c++) CLASS[c] = B64;
CLASS[47] = B64; // '/'
CLASS[43] = B64 | SEP; // '+'
for (const c of ' .()') CLASS[c.charCodeAt(0)] = SEP;
const mark = (ch: string, m: number) => (CLASS[ch.charCodeAt(0)] |= m);
mark('-', SEP | DASH);
mark('@', AT);
mark('=', EQ);
mark('%', PCT);
mark('G', G_UP);
mark('z', Z_LOW);
mark('_', UNDERSCORE);
mark(':', COLON);
mark('J', J);
mark('B', B_UP);
mark('b', B_LOW);
mark('x', X);

/** Where candidates() found runs of exactly 40 base64 characters; reused from call to call. */
export interface Runs40 {
  /** Start offsets, in order; only the first `count` are valid. */
  readonly starts: number[];
  count: number;
  /** What else the pass saw (KEYED, ...): scans that are not one detector's regex. */
  flags: number;
  /** Runs of [A-Za-z0-9/+] of 16 or more (8 or more before '='): base64 candidates. */
  readonly longStarts: number[];
  readonly longLengths: number[];
  longCount: number;
}

/** The string has a `=` or `:`: a sensitive key may stand before one (text-keys.ts). */
export const KEYED = 1;
/** The string has characters outside ASCII (fullwidth forms, zero-width characters...). */
export const NON_ASCII = 2;
/** The string has a '%' (URL-encoding may hide something). */
export const PERCENT = 4;

export function newRuns40(): Runs40 {
  return { starts: [], count: 0, flags: 0, longStarts: [], longLengths: [], longCount: 0 };
}

/**
 * Bitmask of the built-in detectors whose regex could match `s`. Also fills `runs` with the
 * aws_secret_key candidates exactly: runs of 40 [A-Za-z0-9/+] not followed by '=' (what
 * that detector's regex matches), so the scrubber checks those offsets instead of running it.
 *
 * One table lookup per character; a letter without a mark (most of a log line) takes the
 * first branch and nothing else. A digit-and-separator run keeps its maxima up to date as it
 * grows, so that ending it is three stores, not a flush with comparisons.
 */
export function candidates(s: string, runs: Runs40): number {
  const n = s.length;
  const starts = runs.starts;
  let count = 0;
  // Runs of digits and separators (cards, SSNs, phones, IPv4): digits and dots in the run.
  let num = 0,
    maxNum = 0,
    dots = 0,
    maxDots = 0,
    plus = false,
    intl = false;
  let b64 = 0; // length of the current run of [A-Za-z0-9/+]
  let colons = 0,
    seen = 0;
  let ibanStart = false; // two capitals then two digits
  let maxB64 = 0;
  let longCount = 0;
  const longStarts = runs.longStarts,
    longLengths = runs.longLengths;
  let prev = 0; // the previous character
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : OTHER;
    if (k === B64) {
      b64++;
      num = 0;
      dots = 0;
      plus = false;
      prev = c;
      continue;
    }
    seen |= k;
    if (k & (B_UP | B_LOW | X)) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (k & X) {
        if (next === 111 || next === 97) seen |= XO; // 'o' 'a'
      } else if (next === 101 || next === 97 || next === 69 || next === 65) seen |= BE; // 'e' 'a' 'E' 'A'
    }
    if (k & (DASH | EQ | UNDERSCORE | G_UP)) {
      if (c === 45) {
        if (prev === 45) seen |= DASHES;
        else if (prev === 116 || prev === 105 || prev === 107) seen |= TOKEN_DASH;
      } else if (c === 61) {
        if (prev === 121 || prev === 103) seen |= KEY_EQ;
      } else if (c === 95) {
        if (prev === 101 || prev === 109) seen |= TOKEN_US;
      } else if (c === 71 && prev === 83 && i + 1 < n && s.charCodeAt(i + 1) === 46) seen |= SG;
    }
    if (k & DIGIT) {
      if (++num > maxNum) maxNum = num;
      if (prev === 46) {
        if (++dots > maxDots) maxDots = dots;
      } else if (prev === 43) plus = true;
      else if (prev >= 48 && prev <= 57 && i >= 3 && isUpper(s.charCodeAt(i - 2)) && isUpper(s.charCodeAt(i - 3))) ibanStart = true;
      if (plus && num >= 8) intl = true; // +CC numbers have 8 digits or more
    } else if ((k & SEP) === 0) {
      num = 0;
      dots = 0;
      plus = false;
      if (c === 58) {
        // Colons between hex digits (address groups; JSON's `"key": ` has none), and "::".
        const nx = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (prev === 58 || nx === 58) colons = 6;
        else if (isHex(prev) && isHex(nx)) colons++;
      }
    }
    if (k & B64) b64++;
    else {
      if (b64 >= 8) {
        if (b64 === 40 && c !== 61) starts[count++] = i - 40; // not followed by '='
        if (b64 > maxB64) maxB64 = b64;
        if (b64 >= 16 || c === 61) {
          longStarts[longCount] = i - b64;
          longLengths[longCount++] = b64;
        }
      }
      b64 = 0;
    }
    prev = c;
  }
  if (b64 === 40) starts[count++] = n - 40;
  if (b64 >= 16) {
    longStarts[longCount] = n - b64;
    longLengths[longCount++] = b64;
  }
  if (b64 > maxB64) maxB64 = b64;
  runs.count = count;
  runs.longCount = longCount;
  runs.flags = (seen & (EQ | COLON) ? KEYED : 0) | (seen & OTHER ? NON_ASCII : 0) | (seen & PCT ? PERCENT : 0);

  let mask = 0;
  if (seen & AT) {
    mask |= BIT.email;
    if (seen & COLON && s.includes('://')) mask |= BIT.url_password;
  }
  if (seen & J && s.includes('eyJ')) mask |= BIT.jwt;
  if (seen & DASHES && s.includes('-----')) mask |= BIT.pem_private_key; // BEGIN in any case
  if (seen & BE && (s.includes('earer') || s.includes('asic') || s.includes('EARER') || s.includes('ASIC'))) mask |= BIT.auth_header;
  if (maxB64 >= 20) mask |= BIT.aws_access_key_id; // in any case, glued to a word or not: a run of 20 or more
  if (count !== 0) mask |= BIT.aws_secret_key;
  if (seen & UNDERSCORE) {
    if (s.includes('gh') || s.includes('github_pat_')) mask |= BIT.github_token;
    if (s.includes('_live_') || s.includes('_test_') || s.includes('whsec_')) mask |= BIT.stripe_key;
  }
  if ((seen & XO && (s.includes('xox') || s.includes('xapp-'))) || (seen & COLON && s.includes('hooks.slack.com'))) mask |= BIT.slack_token;
  if (seen & Z_LOW && s.includes('AIza')) mask |= BIT.google_api_key;
  if (seen & TOKEN_US) {
    if (s.includes('service_account')) mask |= BIT.gcp_service_account;
    if (s.includes('npm_')) mask |= BIT.npm_token;
  }
  if (seen & KEY_EQ) {
    if (s.includes('Key=')) mask |= BIT.azure_storage_key; // AccountKey=, SharedAccessKey=
    if (s.includes('sig=')) mask |= BIT.azure_sas;
  }
  if (seen & TOKEN_DASH) {
    if (s.includes('glpat-')) mask |= BIT.gitlab_token;
    if (s.includes('pypi-')) mask |= BIT.pypi_token;
    if (s.includes('sk-')) mask |= BIT.openai_key;
  }
  if (seen & SG) mask |= BIT.sendgrid_key;
  if (maxB64 >= 34) mask |= BIT.twilio_key;
  if (longCount !== 0) mask |= BIT.generic_secret; // a run of 16 or more after a secret-ish word
  if (ibanStart) mask |= BIT.iban;
  if (maxNum >= 12) mask |= BIT.credit_card;
  if (maxNum >= 9) mask |= BIT.us_ssn | BIT.phone;
  if (intl) mask |= BIT.phone;
  // An IPv6 address has '::', or seven colons between hex digits (six before an embedded IPv4).
  if (colons >= 6) mask |= BIT.ipv6;
  if (maxDots >= 3) mask |= BIT.ipv4;
  return mask;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

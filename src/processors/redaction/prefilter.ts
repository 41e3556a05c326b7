// One pass over a string's characters that says which built-in detectors could possibly
// match it, so that a typical log line runs two or three regexes instead of sixteen. Each
// test is necessary for its detector's regex (never sufficient): a bit left off means the
// regex cannot match, so skipping it is safe. Bits are indexes into DETECTOR_NAMES.
import { DETECTOR_NAMES, type DetectorName } from './config.ts';

const bit = (name: DetectorName): number => 1 << DETECTOR_NAMES.indexOf(name);
export const BIT = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, bit(n)])) as Record<DetectorName, number>;

// One table indexed by (previous character, character), both ASCII: the character's class
// (DIGIT, B64, SEP) and marks for what literal markers need, so that a substring search runs
// only when it can hit. Marks of one character are in every row; marks of a pair only in the
// row of its first character. Anything outside ASCII is OTHER and ends every run.
const DIGIT = 1,
  B64 = 2,
  SEP = 4;
const AT = 1 << 3,
  UNDERSCORE = 1 << 4,
  COLON = 1 << 5,
  EQ = 1 << 6,
  PCT = 1 << 7,
  // Pairs: the marks of single letters ('b', 'x', 'J') would send most lines to the substring
  // searches (a hex id has a 'b' in one line of two).
  YJ = 1 << 8, // "eyJ"
  BE_LOWER = 1 << 9, // "Be" "be" ("Bearer")
  BA_LOWER = 1 << 10, // "Ba" "ba" ("Basic")
  BE_UPPER = 1 << 11, // "BE" ("BEARER")
  BA_UPPER = 1 << 12, // "BA" ("BASIC")
  XO = 1 << 13, // x then o or a ("xoxb-", "xapp-")
  DASHES = 1 << 14, // "--" (PEM armour)
  TOKEN_DASH = 1 << 15, // "t-" "i-" "k-" (glpat-, pypi-, sk-)
  KEY_EQ = 1 << 16, // "y=" "g=" (AccountKey=, SharedAccessKey=, sig=)
  TOKEN_US = 1 << 17, // "e_" "m_" (service_account, npm_)
  SG = 1 << 18, // "SG" ("SG.")
  IZ = 1 << 19, // "Iz" ("AIza")
  GH = 1 << 20, // "gh" "b_" (ghp_, github_pat_)
  STRIPE_US = 1 << 21, // "k_" "c_" (sk_live_, rk_test_, whsec_)
  SLASH_H = 1 << 22, // "/h" ("https://hooks.slack.com")
  UPPER_DIGIT = 1 << 23, // "B8": maybe an IBAN's country code and check digits
  AR = 1 << 24, // "ar" ("Bearer", with BE_LOWER)
  AS = 1 << 25, // "as" ("Basic", with BA_LOWER)
  WORD = 1 << 26, // a letter, a digit or '/': the loop's first branch
  OTHER = 1 << 27; // any character outside ASCII: never in the table
const TABLE = new Uint32Array(128 * 128);
{
  const cls = new Uint32Array(128);
  for (let c = 48; c <= 57; c++) cls[c] = DIGIT | B64;
  for (let c = 65; c <= 90; c++) cls[c] = B64;
  for (let c = 97; c <= 122; c++) cls[c] = B64;
  cls[47] = B64; // '/'
  for (let c = 0; c < 128; c++) if (cls[c] === B64 || cls[c] === (B64 | DIGIT)) cls[c] |= WORD;
  cls[43] = B64 | SEP; // '+'
  for (const c of ' .()-') cls[c.charCodeAt(0)] = SEP;
  for (const [ch, m] of [
    ['@', AT],
    ['_', UNDERSCORE],
    [':', COLON],
    ['=', EQ],
    ['%', PCT],
  ] as const)
    cls[ch.charCodeAt(0)] |= m;
  for (let p = 0; p < 128; p++) for (let c = 0; c < 128; c++) TABLE[(p << 7) | c] = cls[c];
  const pair = (firsts: string, seconds: string, m: number) => {
    for (const p of firsts) for (const c of seconds) TABLE[(p.charCodeAt(0) << 7) | c.charCodeAt(0)] |= m;
  };
  pair('y', 'J', YJ);
  pair('Bb', 'e', BE_LOWER);
  pair('Bb', 'a', BA_LOWER);
  pair('B', 'E', BE_UPPER);
  pair('B', 'A', BA_UPPER);
  pair('x', 'oa', XO);
  pair('-', '-', DASHES);
  pair('tik', '-', TOKEN_DASH);
  pair('yg', '=', KEY_EQ);
  pair('em', '_', TOKEN_US);
  pair('S', 'G', SG);
  pair('I', 'z', IZ);
  pair('g', 'h', GH);
  pair('b', '_', GH);
  pair('kc', '_', STRIPE_US);
  pair('/', 'h', SLASH_H);
  pair('a', 'r', AR);
  pair('a', 's', AS);
  pair('ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', UPPER_DIGIT);
}

/** Where candidates() found runs of base64 characters; reused from call to call. */
export interface Runs40 {
  /** Start offsets of runs of exactly 40 (aws_secret_key candidates), in order; only the first `count` are valid. */
  starts: Int32Array;
  count: number;
  /** What else the pass saw (KEYED, ...): scans that are not one detector's regex. */
  flags: number;
  /** Runs of [A-Za-z0-9/+] of 16 or more (8 or more before '='): base64 candidates. */
  longStarts: Int32Array;
  longLengths: Int32Array;
  longCount: number;
}

/** The string has a `=` or `:`: a sensitive key may stand before one (text-keys.ts). */
export const KEYED = 1;
/** The string has characters outside ASCII (fullwidth forms, zero-width characters...). */
export const NON_ASCII = 2;
/** The string has a '%' (URL-encoding may hide something). */
export const PERCENT = 4;

/** Room for runs made up front (a run takes 9 characters or more with what ends it). */
const INITIAL_RUNS = 64;
/** Room kept between calls; a longer string's arrays are let go at the next short one. */
const RETAINED_RUNS = 4096;

export function newRuns40(): Runs40 {
  return { starts: new Int32Array(INITIAL_RUNS), count: 0, flags: 0, longStarts: new Int32Array(INITIAL_RUNS), longLengths: new Int32Array(INITIAL_RUNS), longCount: 0 };
}

/**
 * Room for every run `s` can hold, made before the pass so that the pass stores into typed
 * arrays without a bounds case: a call or a growing array anywhere in the loop makes V8 keep
 * its state in memory, which costs more than the rest of the pass.
 */
function reserve(runs: Runs40, n: number): void {
  const need = Math.floor(n / 9) + 2;
  const have = runs.longStarts.length;
  if (have >= need && (have <= RETAINED_RUNS || need > RETAINED_RUNS)) return;
  const size = Math.max(need, INITIAL_RUNS);
  runs.starts = new Int32Array(size);
  runs.longStarts = new Int32Array(size);
  runs.longLengths = new Int32Array(size);
}

/**
 * Bitmask of the built-in detectors whose regex could match `s`. Also fills `runs` with the
 * aws_secret_key candidates exactly: runs of 40 [A-Za-z0-9/+] not followed by '=' (what
 * that detector's regex matches), so the scrubber checks those offsets instead of running it.
 *
 * One table lookup per character, on the pair (previous, current): marks are ORed in
 * without a branch. The time goes with the instructions run per character, so letters and
 * digits (most of a log line, all of a hex id) do the least: the digit-run count, updated by
 * arithmetic rather than a branch on letter-or-digit (a letter zeroes it). Base64 runs are
 * measured from where they start, at the character that ends them; dotted quads and
 * international numbers are checked at their '.' or '+' (rare characters), by looking
 * around. Nothing in the loop grows (see reserve()).
 */
export function candidates(s: string, runs: Runs40): number {
  const n = s.length;
  reserve(runs, n);
  const starts = runs.starts,
    longStarts = runs.longStarts,
    longLengths = runs.longLengths;
  let count = 0,
    longCount = 0;
  // The digits of the current run of digits and separators (cards, SSNs, phones).
  let num = 0,
    maxNum = 0;
  let quad = false, // a dotted quad d.d.d.d (1-3 digits each)
    intl = false, // '+' then 8 digits or more among separators
    ibanStart = false; // two capitals then two digits
  let runStart = 0, // where the current run of [A-Za-z0-9/+] started
    maxB64 = 0;
  let colons = 0,
    seen = 0;
  let prev = 0; // the previous character; 0 after one outside ASCII
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? TABLE[((prev << 7) | c) & 0x3fff] : OTHER;
    seen |= k;
    if ((k & WORD) !== 0) {
      // A letter, a digit or '/': the digit run goes on (-1) or is over (0).
      num = (num + 1) & -(k & DIGIT);
      if (num > maxNum) maxNum = num;
      if ((k & UPPER_DIGIT) !== 0 && i >= 2 && isUpper(s.charCodeAt(i - 2)) && i + 1 < n && isDigit(s.charCodeAt(i + 1))) ibanStart = true;
      prev = c;
      continue;
    }
    if ((k & B64) === 0) {
      // The base64 run ends here.
      const len = i - runStart;
      if (len >= 8) {
        if (len === 40 && c !== 61) starts[count++] = runStart; // not followed by '='
        if (len > maxB64) maxB64 = len;
        if (len >= 16 || c === 61) {
          longStarts[longCount] = runStart;
          longLengths[longCount++] = len;
        }
      }
      runStart = i + 1;
    }
    if (k & SEP) {
      // A separator keeps the digit run going.
      if (c === 46) {
        if (!quad && isDigit(prev) && i + 1 < n && isDigit(s.charCodeAt(i + 1))) quad = quadBefore(s, i);
      } else if (c === 43 && !intl && i + 1 < n && isDigit(s.charCodeAt(i + 1))) intl = internationalAfter(s, i + 1);
    } else {
      num = 0;
      if (c === 58) {
        // Colons between hex digits (address groups; JSON's `"key": ` has none), and "::".
        const nx = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (prev === 58 || nx === 58) colons = 6;
        else if (isHex(prev) && isHex(nx)) colons++;
      }
    }
    prev = c < 128 ? c : 0;
  }
  const len = n - runStart;
  if (len === 40) starts[count++] = runStart;
  if (len >= 16) {
    longStarts[longCount] = runStart;
    longLengths[longCount++] = len;
  }
  if (len > maxB64) maxB64 = len;
  runs.count = count;
  runs.longCount = longCount;
  runs.flags = (seen & (EQ | COLON) ? KEYED : 0) | (seen & OTHER ? NON_ASCII : 0) | (seen & PCT ? PERCENT : 0);

  let mask = 0;
  if (seen & AT) {
    mask |= BIT.email;
    if (seen & COLON && s.includes('://')) mask |= BIT.url_password;
  }
  if (seen & YJ && s.includes('eyJ')) mask |= BIT.jwt;
  if (seen & DASHES && s.includes('-----')) mask |= BIT.pem_private_key; // BEGIN in any case
  if (
    ((seen & (BE_LOWER | AR)) === (BE_LOWER | AR) && s.includes('earer')) ||
    ((seen & (BA_LOWER | AS)) === (BA_LOWER | AS) && s.includes('asic')) ||
    (seen & BE_UPPER && s.includes('EARER')) ||
    (seen & BA_UPPER && s.includes('ASIC'))
  )
    mask |= BIT.auth_header;
  if (maxB64 >= 20) mask |= BIT.aws_access_key_id; // in any case, glued to a word or not: a run of 20 or more
  if (count !== 0) mask |= BIT.aws_secret_key;
  if (seen & UNDERSCORE && seen & GH) mask |= BIT.github_token; // gh[pousr]_, github_pat_
  if (seen & STRIPE_US && (s.includes('_live_') || s.includes('_test_') || s.includes('whsec_'))) mask |= BIT.stripe_key;
  if ((seen & XO && (s.includes('xox') || s.includes('xapp-'))) || (seen & SLASH_H && seen & COLON && s.includes('hooks.slack.com'))) mask |= BIT.slack_token;
  if (seen & IZ && s.includes('AIza')) mask |= BIT.google_api_key;
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
  if (seen & SG && s.includes('SG.')) mask |= BIT.sendgrid_key;
  if (maxB64 >= 34) mask |= BIT.twilio_key;
  if (longCount !== 0) mask |= BIT.generic_secret; // a run of 16 or more after a secret-ish word
  if (ibanStart) mask |= BIT.iban;
  if (maxNum >= 12) mask |= BIT.credit_card;
  if (maxNum >= 9) mask |= BIT.us_ssn | BIT.phone;
  if (intl) mask |= BIT.phone;
  // An IPv6 address has '::', or seven colons between hex digits (six before an embedded IPv4).
  if (colons >= 6) mask |= BIT.ipv6;
  if (quad) mask |= BIT.ipv4;
  return mask;
}

/** Before the '.' at `dot` (a digit on each side): two more 1-3 digit groups and dots, so d.d.d.d. */
function quadBefore(s: string, dot: number): boolean {
  let j = dot - 1;
  for (let group = 0; group < 3; group++) {
    const end = j;
    while (j >= 0 && end - j < 3 && isDigit(s.charCodeAt(j))) j--;
    if (j === end) return false; // no digit
    if (group === 2) return true;
    if (j < 0 || s.charCodeAt(j) !== 46) return false;
    j--;
  }
  return false;
}

/** International number width: a phone match after '+' is at most this long. */
const INTL_SPAN = 48;

/** From the digit after a '+': 8 digits or more before anything but digits and separators. */
function internationalAfter(s: string, from: number): boolean {
  let digits = 0;
  const end = Math.min(s.length, from + INTL_SPAN);
  for (let j = from; j < end; j++) {
    const c = s.charCodeAt(j);
    if (isDigit(c)) {
      if (++digits >= 8) return true;
    } else if ((TABLE[c & 127] & SEP) === 0 || c >= 128) return false;
  }
  return false;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

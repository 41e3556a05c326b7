// One pass over a string's characters that says which built-in detectors could possibly
// match it, so that a typical log line runs two or three regexes instead of sixteen. Each
// test is necessary for its detector's regex (never sufficient): a bit left off means the
// regex cannot match, so skipping it is safe. Bits are indexes into DETECTOR_NAMES.
import { DETECTOR_NAMES, type DetectorName } from './config.ts';

const bit = (name: DetectorName): number => 1 << DETECTOR_NAMES.indexOf(name);
export const BIT = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, bit(n)])) as Record<DetectorName, number>;

// Character classes of ASCII codes (anything else is 0 and ends every run), and marks for the
// characters that literal markers need, so that a substring search runs only when it can hit.
const DIGIT = 1, B64 = 2, SEP = 4;
const AT = 8, UNDERSCORE = 16, COLON = 32, J = 64, B_UP = 128, B_LOW = 256, X = 512, A_UP = 1024, I_UP = 2048, DASH = 4096, E_UP = 8192;
const CLASS = new Uint16Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | B64;
for (let c = 65; c <= 90; c++) CLASS[c] = B64;
for (let c = 97; c <= 122; c++) CLASS[c] = B64;
CLASS[47] = B64; // '/'
CLASS[43] = B64 | SEP; // '+'
for (const c of ' .()') CLASS[c.charCodeAt(0)] = SEP;
const mark = (ch: string, m: number) => (CLASS[ch.charCodeAt(0)] |= m);
mark('-', SEP | DASH); mark('@', AT); mark('_', UNDERSCORE); mark(':', COLON); mark('J', J); mark('B', B_UP); mark('b', B_LOW);
mark('x', X); mark('A', A_UP); mark('I', I_UP); mark('E', E_UP);

/** Bitmask of the built-in detectors whose regex could match `s`. */
export function candidates(s: string): number {
  const n = s.length;
  // Runs of digits and separators (cards, SSNs, phones, IPv4): digits and dots in the run.
  let num = 0, maxNum = 0, dots = 0, maxDots = 0, plus = false, intl = false;
  let b64 = 0, b64Is40 = false; // runs of [A-Za-z0-9/+] of exactly 40 (AWS secret keys)
  let colons = 0, seen = 0;
  let ibanStart = false; // two capitals then two digits
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    seen |= k;
    if (k & (DIGIT | SEP)) {
      if (k & DIGIT) {
        num++;
        // (charCodeAt out of range gives NaN, which would deoptimize the loop: guard i.)
        const p1 = i > 0 ? s.charCodeAt(i - 1) : 0;
        if (p1 === 46) dots++;
        else if (p1 === 43) plus = true;
        else if (i >= 3 && p1 >= 48 && p1 <= 57 && isUpper(s.charCodeAt(i - 2)) && isUpper(s.charCodeAt(i - 3))) ibanStart = true;
      }
    } else {
      if (num !== 0) {
        if (num > maxNum) maxNum = num;
        if (dots > maxDots) maxDots = dots;
        if (plus && num >= 8) intl = true;
        num = 0;
        dots = 0;
        plus = false;
      }
      if (c === 58) colons++;
    }
    if (k & B64) b64++;
    else if (b64 !== 0) {
      if (b64 === 40) b64Is40 = true;
      b64 = 0;
    }
  }
  if (num > maxNum) maxNum = num;
  if (dots > maxDots) maxDots = dots;
  if (plus && num >= 8) intl = true;
  if (b64 === 40) b64Is40 = true;

  let mask = 0;
  if (seen & AT) {
    mask |= BIT.email;
    if (seen & COLON && s.includes('://')) mask |= BIT.url_password;
  }
  if (seen & J && s.includes('eyJ')) mask |= BIT.jwt;
  if (seen & DASH && seen & B_UP && s.includes('-----BEGIN')) mask |= BIT.pem_private_key;
  if (seen & (B_UP | B_LOW) && (s.includes('earer') || s.includes('asic') || s.includes('EARER') || s.includes('ASIC'))) mask |= BIT.auth_header;
  if ((seen & (A_UP | I_UP)) === (A_UP | I_UP) && (s.includes('AKIA') || s.includes('ASIA'))) mask |= BIT.aws_access_key_id;
  if (b64Is40) mask |= BIT.aws_secret_key;
  if (seen & UNDERSCORE) {
    if (s.includes('gh') || s.includes('github_pat_')) mask |= BIT.github_token;
    if (s.includes('_live_') || s.includes('_test_') || s.includes('whsec_')) mask |= BIT.stripe_key;
  }
  if (seen & (X | DASH) && (s.includes('xox') || s.includes('xapp-') || s.includes('hooks.slack.com'))) mask |= BIT.slack_token;
  if (ibanStart) mask |= BIT.iban;
  if (maxNum >= 12) mask |= BIT.credit_card;
  if (maxNum >= 9) mask |= BIT.us_ssn | BIT.phone;
  if (intl) mask |= BIT.phone; // +CC numbers have 8 digits or more
  // An IPv6 address has '::', or seven colons (six before an embedded IPv4).
  if (colons >= 2 && (colons >= 6 || s.includes('::'))) mask |= BIT.ipv6;
  if (maxDots >= 3) mask |= BIT.ipv4;
  return mask;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

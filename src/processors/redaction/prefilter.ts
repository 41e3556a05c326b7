// One pass over a string's characters that says which built-in detectors could possibly
// match it, so that a typical log line runs two or three regexes instead of sixteen. Each
// test is necessary for its detector's regex (never sufficient): a bit left off means the
// regex cannot match, so skipping it is safe. Bits are indexes into DETECTOR_NAMES.
import { DETECTOR_NAMES, type DetectorName } from './config.ts';

const bit = (name: DetectorName): number => 1 << DETECTOR_NAMES.indexOf(name);
export const BIT = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, bit(n)])) as Record<DetectorName, number>;

// Character classes of ASCII codes; anything else is 0 and ends every run.
const DIGIT = 1, UPPER = 2, LOWER = 4, B64 = 8, SEP = 16, WORD = 32;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | B64 | WORD;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER | B64 | WORD;
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER | B64 | WORD;
CLASS[47] = B64; // '/'
CLASS[43] = B64 | SEP; // '+'
CLASS[95] = WORD; // '_'
for (const c of ' -.()') CLASS[c.charCodeAt(0)] = SEP;

/** Bitmask of the built-in detectors whose regex could match `s`. */
export function candidates(s: string): number {
  const n = s.length;
  let sepDigits = 0, maxSepDigits = 0; // digits in a run of digits and separators (cards, SSNs, phones)
  let dotDigits = 0; // "digit . digit" transitions (IPv4 needs three)
  let colons = 0, at = false, underscore = false, plusDigit = false, eyJ = false, dashes = 0, pemDashes = false;
  let b64 = 0, b64Is40 = false; // runs of [A-Za-z0-9/+] of exactly 40 (AWS secret keys)
  let upDigit = 0, maxUpDigit = 0; // runs of [A-Z0-9] (AWS key ids are 20)
  let word = 0, maxWord = 0; // runs of [A-Za-z0-9_] (GitHub, Stripe tokens)
  let ibanStart = false; // two capitals then two digits
  let p1 = 0, p2 = 0, p3 = 0; // the previous three character codes
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (k & DIGIT) {
      sepDigits++;
      if (p1 === 46 && p2 >= 48 && p2 <= 57) dotDigits++;
      else if (p1 === 43) plusDigit = true;
      if (p1 >= 48 && p1 <= 57 && p2 >= 65 && p2 <= 90 && p3 >= 65 && p3 <= 90) ibanStart = true;
    } else if (k & SEP) {
      if (c === 45) {
        if (++dashes >= 5 && s.startsWith('BEGIN', i + 1)) pemDashes = true;
      }
    } else {
      if (sepDigits > maxSepDigits) maxSepDigits = sepDigits;
      sepDigits = 0;
      if (c === 64) at = true;
      else if (c === 58) colons++;
      else if (c === 95) underscore = true;
      else if (c === 74 && p1 === 121 && p2 === 101) eyJ = true; // 'J' after 'ey'
    }
    if (c !== 45) dashes = 0;
    if (k & B64) b64++;
    else {
      if (b64 === 40) b64Is40 = true;
      b64 = 0;
    }
    if (k & (DIGIT | UPPER)) upDigit++;
    else {
      if (upDigit > maxUpDigit) maxUpDigit = upDigit;
      upDigit = 0;
    }
    if (k & WORD) word++;
    else {
      if (word > maxWord) maxWord = word;
      word = 0;
    }
    p3 = p2;
    p2 = p1;
    p1 = c;
  }
  if (sepDigits > maxSepDigits) maxSepDigits = sepDigits;
  if (b64 === 40) b64Is40 = true;
  if (upDigit > maxUpDigit) maxUpDigit = upDigit;
  if (word > maxWord) maxWord = word;

  let mask = 0;
  if (pemDashes) mask |= BIT.pem_private_key;
  if (eyJ) mask |= BIT.jwt;
  if (at) {
    mask |= BIT.email;
    if (colons > 0 && s.includes('://')) mask |= BIT.url_password;
  }
  if (s.includes('earer') || s.includes('asic') || s.includes('EARER') || s.includes('ASIC')) mask |= BIT.auth_header;
  if (maxUpDigit >= 20) mask |= BIT.aws_access_key_id;
  if (b64Is40) mask |= BIT.aws_secret_key;
  if (underscore) {
    if (maxWord >= 33) mask |= BIT.github_token;
    if (maxWord >= 18) mask |= BIT.stripe_key;
  }
  if (s.includes('xox') || s.includes('xapp-') || s.includes('hooks.slack.com')) mask |= BIT.slack_token;
  if (ibanStart) mask |= BIT.iban;
  if (maxSepDigits >= 12) mask |= BIT.credit_card;
  if (maxSepDigits >= 9) mask |= BIT.us_ssn | BIT.phone;
  if (plusDigit) mask |= BIT.phone;
  if (colons >= 2) mask |= BIT.ipv6;
  if (dotDigits >= 3) mask |= BIT.ipv4;
  return mask;
}

// Checks run on a regex candidate before it counts as a match. They are what keeps the
// look-alikes (timestamps in nanoseconds, order numbers, dates, versions) intact: a regex
// finds "13 to 19 digits", the checksum decides whether it is a card.

/** Luhn checksum over the digits of s[start, end), skipping spaces and dashes. */
export function luhn(s: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether a digit string's prefix and length fit a card scheme (Visa, Mastercard, Amex,
 * Discover, JCB, Diners, UnionPay, Maestro). Numbers starting with 0, 1, 7, 8 or 9 are never
 * cards, which is what keeps epoch timestamps (17...) out.
 */
export function cardSchemeFits(digits: string): boolean {
  const n = digits.length;
  const d1 = digits.charCodeAt(0) - 48;
  const d2 = d1 * 10 + digits.charCodeAt(1) - 48;
  const d4 = Number(digits.slice(0, 4));
  switch (d1) {
    case 2:
      return n === 16 && d4 >= 2221 && d4 <= 2720;
    case 3:
      if (d2 === 34 || d2 === 37) return n === 15;
      if (d2 === 36 || d2 === 38 || (d4 >= 3000 && d4 <= 3059)) return n >= 14 && n <= 19;
      if (d4 >= 3528 && d4 <= 3589) return n >= 16 && n <= 19;
      return false;
    case 4:
      return n === 13 || n === 16 || n === 19;
    case 5:
      if (d2 >= 51 && d2 <= 55) return n === 16;
      return d2 === 50 || (d2 >= 56 && d2 <= 58) ? n >= 12 && n <= 19 : false;
    case 6:
      return n >= 16 && n <= 19;
    default:
      return false;
  }
}

/** IBAN lengths by country (ISO 13616 registry; the common ones). Others: 15..34 with a valid checksum. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VG: 24,
  XK: 20,
};

/** ISO 7064 mod 97-10 over the IBAN in `alnum` (letters upper case, no spaces). */
function ibanChecksumOk(alnum: string): boolean {
  // Move the first four characters to the end; letters count as 10..35.
  let rem = 0;
  const n = alnum.length;
  for (let k = 0; k < n; k++) {
    const c = alnum.charCodeAt((k + 4) % n);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

/**
 * For a candidate s[start, end) (letters, digits, single spaces), the end of the valid IBAN
 * that starts there, or -1. The country's length decides where it ends, so a word after the
 * IBAN ("... 00 TEST") is not taken as part of it.
 */
export function ibanEnd(s: string, start: number, end: number): number {
  let alnum = '';
  const ends: number[] = [];
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) continue;
    alnum += s[i];
    ends.push(i + 1);
  }
  const fixed = IBAN_LENGTHS[alnum.slice(0, 2)];
  if (fixed !== undefined) {
    return alnum.length >= fixed && ibanChecksumOk(alnum.slice(0, fixed)) ? ends[fixed - 1] : -1;
  }
  for (let len = Math.min(34, alnum.length); len >= 15; len--) {
    if (ibanChecksumOk(alnum.slice(0, len))) return ends[len - 1];
  }
  return -1;
}

/** Dotted quad with every octet <= 255. */
export function ipv4Ok(s: string, start: number, end: number): boolean {
  let octet = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      octet = 0;
      continue;
    }
    octet = octet * 10 + (c - 48);
    if (octet > 255) return false;
  }
  return true;
}

/** US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnOk(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** Digits in s[start, end). */
export function countDigits(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * A 40-character run of [A-Za-z0-9/+] looks like an AWS secret key when it is mixed case with
 * digits (random base64 nearly always is) and not a path: git SHAs (lowercase hex) and
 * words joined by slashes (more than three slashes, or '//') stay. A key may start with '/'.
 */
export function awsSecretOk(s: string, start: number, end: number): boolean {
  let upper = 0,
    lower = 0,
    digit = 0,
    slash = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digit++;
    else if (c === 47) {
      slash++;
      if (i > start && s.charCodeAt(i - 1) === 47) return false;
    }
  }
  return upper >= 4 && lower >= 4 && digit >= 1 && slash <= 3;
}

/** `Basic` credentials are base64 of `user:password`. */
export function basicCredentialsOk(token: string): boolean {
  if (token.length % 4 !== 0) return false;
  return Buffer.from(token, 'base64').includes(0x3a);
}

/** An opaque bearer token: long, or with a digit or punctuation (prose words have neither). */
export function bearerTokenOk(token: string): boolean {
  if (token.length >= 20) return true;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 126 || c === 43 || c === 47) return true;
  }
  return false;
}

/** An AWS access key id candidate (prefix + 16): one case throughout; a lower-case one has a digit. */
export function awsKeyIdOk(m: string): boolean {
  const lower = m.charCodeAt(0) === 97; // 'a'
  let digit = false;
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c >= 48 && c <= 57) digit = true;
    else if (lower ? c < 97 : c > 90) return false;
  }
  return !lower || digit;
}

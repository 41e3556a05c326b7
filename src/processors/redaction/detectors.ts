// The built-in detectors: one global regex each (compiled once, at module load), and a range
// function that validates the candidate and says which part of it to redact. A regex finds
// what could be a secret; the range function (checksums, octet ranges, card schemes, shape
// rules) decides, so that look-alikes survive.
import { isIPv6 } from 'node:net';
import { DETECTOR_NAMES, type DetectorName } from './config.ts';
import { awsKeyIdOk, awsSecretOk, basicCredentialsOk, bearerTokenOk, cardSchemeFits, countDigits, ibanEnd, ipv4Ok, luhn, ssnOk } from './validators.ts';

/** The part of the string a match redacts: [start, end). Reused, never allocated per match. */
export interface Range {
  start: number;
  end: number;
}

export interface BuiltinDetector {
  readonly name: DetectorName;
  readonly regex: RegExp;
  /** Sets `out` and returns true when the candidate is real; false for a look-alike. */
  range(m: RegExpExecArray, s: string, out: Range): boolean;
}

function whole(m: RegExpExecArray, out: Range): true {
  out.start = m.index;
  out.end = m.index + m[0].length;
  return true;
}

/** The range of capture group 1 when it ends `tail` characters before the end of the match. */
function group1(m: RegExpExecArray, out: Range, tail: number): true {
  out.end = m.index + m[0].length - tail;
  out.start = out.end - m[1].length;
  return true;
}

/** A secret-ish word and what may stand between it and its value, anchored at the value. */
export const GENERIC_WORD = /(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|key|auth|credentials?|signature|salt)["']?\s{0,3}(?:[:=]|->|=>|is)?\s{0,3}["']?$/i;

const DIGIT_RE_LOOKALIKE_END = String.raw`(?![\w]|[.-]\d)`;

export const BUILTIN_DETECTORS: readonly BuiltinDetector[] = [
  {
    name: 'pem_private_key',
    // A truncated block (no END line) is redacted to the end of the string.
    // Armour in any case (`-----begin rsa private key-----` is still a key).
    regex: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/gi,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'jwt',
    regex: /(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'url_password',
    // scheme://user:password@ — only the password goes; the last '@' before the path ends it,
    // so a password holding an unencoded '@' is still covered.
    regex: /\b[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/[^\s:@/?#]{0,256}:([^\s/?#]{1,256})@/g,
    range: (m, _s, out) => group1(m, out, 1),
  },
  {
    name: 'auth_header',
    // The scheme word stays ("Bearer [REDACTED:auth_header]"): it tells a reader what was there.
    regex: /\b(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \t]+([A-Za-z0-9._~+/-]{8,}=*)/g,
    range: (m, s, out) => {
      const token = m[1];
      const basic = m[0].charCodeAt(1) === 97 || m[0].charCodeAt(1) === 65; // 'a' / 'A'
      // `token_type=bearer expires_in=3600`: a key and '=' then its value, not a token.
      const after = s.charCodeAt(m.index + m[0].length);
      if (token.endsWith('=') && ((after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122))) return false;
      if (basic ? !basicCredentialsOk(token) : !bearerTokenOk(token)) return false;
      return group1(m, out, 0);
    },
  },
  {
    name: 'aws_access_key_id',
    // Access key ids proper: AKIA (long-term) and ASIA (temporary). Other AWS unique-id prefixes
    // (AIDA users, AROA roles...) name principals and are not credentials.
    // Glued inside a word too, and in lower case: the 16 characters after the prefix must be
    // in the prefix's case (a key is one case throughout), and a lower-case one needs a digit.
    regex: /[Aa](?:KIA|SIA|kia|sia)[A-Za-z0-9]{16}/g,
    range: (m, _s, out) => awsKeyIdOk(m[0]) && whole(m, out),
  },
  {
    name: 'aws_secret_key',
    // The scrubber does not run this regex: the prefilter finds the same runs (Runs40) in its
    // pass over the characters. It stays as the definition, and the bench's combined regex uses it.
    regex: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    range: (m, s, out) => awsSecretOk(s, m.index, m.index + 40) && whole(m, out),
  },
  {
    name: 'github_token',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'slack_token',
    regex: /(?<![A-Za-z0-9-])(?:xox[abposre]-[A-Za-z0-9-]{10,250}|xapp-\d-[A-Za-z0-9-]{10,250})|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,200}/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'stripe_key',
    regex: /(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9]{20,250})(?![A-Za-z0-9_])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'google_api_key',
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'gcp_service_account',
    // The key id of a service-account JSON (its private_key is PEM: pem_private_key and the
    // sensitive key private_key take it), also inside a JSON string (escaped quotes).
    regex: /\\?"private_key_id\\?"\s*:\s*\\?"([0-9a-f]{40})/g,
    range: (m, s, out) => s.includes('service_account') && group1(m, out, 0),
  },
  {
    name: 'azure_storage_key',
    // In a connection string: AccountKey=<base64> (storage) and SharedAccessKey=<base64> (Service Bus, Event Hubs).
    regex: /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})/g,
    range: (m, _s, out) => group1(m, out, 0),
  },
  {
    name: 'azure_sas',
    // The signature of a shared access signature URL; the other parameters (sv, se, sp) stay.
    regex: /[?&]sig=([A-Za-z0-9%+/=]{20,200})/g,
    range: (m, s, out) => (s.includes('sv=') || s.includes('se=')) && group1(m, out, 0),
  },
  {
    name: 'gitlab_token',
    regex: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'npm_token',
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'pypi_token',
    regex: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'openai_key',
    // sk-..., sk-proj-..., sk-svcacct-..., sk-admin-...: mixed case with digits (`sk-learn` stays).
    regex: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    range: (m, _s, out) => mixedClasses(m[0], 3) && whole(m, out),
  },
  {
    name: 'sendgrid_key',
    regex: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'twilio_key',
    // API key SIDs (SK...) and account SIDs (AC...): 32 lower-case hex digits.
    regex: /(?<![A-Za-z0-9])(?:SK|AC)[0-9a-f]{32}(?![A-Za-z0-9])/g,
    range: (m, _s, out) => whole(m, out),
  },
  {
    name: 'email',
    regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    range: (m, s, out) => !isUrlUserinfo(s, m.index) && whole(m, out),
  },
  {
    name: 'iban',
    regex: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}(?![A-Za-z0-9])/g,
    range: (m, s, out) => {
      const end = ibanEnd(s, m.index, m.index + m[0].length);
      if (end < 0) return false;
      out.start = m.index;
      out.end = end;
      return true;
    },
  },
  {
    name: 'credit_card',
    // Digits in groups of three or more, any mix of ' ', '.' and '-' between them, glued to
    // letters or not (`x4000056655665556y`). The range function decides: 13-19 digits, a card
    // scheme's prefix and length, Luhn; trailing groups that make it fail are dropped.
    regex: /(?<!\d)(?=(?:\d[ .-]?){12}\d)\d{3,19}(?:[ .-]\d{3,19}){0,5}(?!\d)/g,
    range: (m, s, out) => cardRange(s, m.index, m.index + m[0].length, out),
  },
  {
    name: 'us_ssn',
    regex: new RegExp(String.raw`(?<![\w-])(\d{3})(?<ss>[- ])(\d{2})\k<ss>(\d{4})` + DIGIT_RE_LOOKALIKE_END, 'g'),
    range: (m, _s, out) => ssnOk(m[1], m[3], m[4]) && whole(m, out),
  },
  {
    name: 'ipv6',
    regex: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])/g,
    range: (m, _s, out) => m[0].length >= 3 && /[0-9A-Fa-f]/.test(m[0]) && isIPv6(m[0]) && whole(m, out),
  },
  {
    name: 'ipv4',
    // Any dotted quad with octets <= 255 is an address, version-like ones included (1.2.3.4);
    // three-part versions (1.2.3) are not quads and stay.
    regex: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g,
    range: (m, s, out) => ipv4Ok(s, m.index, m.index + m[0].length) && whole(m, out),
  },
  {
    name: 'phone',
    // International (+CC ...), North American ((415) 555-0132, 415-555-0132, 415.555.0132) and
    // national trunk-prefix formats (020 7946 0958, 01 23 45 67 89) with one separator kind.
    regex: new RegExp(
      String.raw`(?<![\w+.-])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}(?<ps>[.-])\d{3}\k<ps>\d{4}|0\d{1,4}(?<ts>[ -])\d{2,4}(?:\k<ts>\d{2,4}){1,3}|0\d(?:[ .]\d{2}){4})` +
        DIGIT_RE_LOOKALIKE_END,
      'g',
    ),
    range: (m, s, out) => {
      const n = countDigits(s, m.index, m.index + m[0].length);
      const min = m[0].charCodeAt(0) === 43 ? 8 : 9; // '+': E.164 numbers are 8..15 digits
      return n >= min && n <= 15 && whole(m, out);
    },
  },
  {
    name: 'generic_secret',
    // A high-entropy value after a secret-ish word (`the signing secret is ...`, `secretKey ...`,
    // `passwd -> ...`). The scrubber does not run this regex: it checks the prefilter's runs of
    // 16+ base64 characters (genericSecretRange) and looks back for the word.
    regex: new RegExp(`${GENERIC_WORD.source.slice(0, -1)}([A-Za-z0-9+/]{16}[A-Za-z0-9+/=_.-]*)`, 'gi'),
    range: (m, s, out) => genericSecretRange(s, m.index + m[0].length - m[1].length, out),
  },
];

/** The detectors by their index in DETECTOR_NAMES (priority order), as the scrubber's bits are. */
export const DETECTOR_BY_INDEX: readonly BuiltinDetector[] = DETECTOR_NAMES.map((n) => {
  const d = BUILTIN_DETECTORS.find((x) => x.name === n);
  if (d === undefined) throw new Error(`detector ${n} is not defined`);
  return d;
});

/** An '@' inside `scheme://user:password@`: the url_password detector's, not an e-mail. */
function isUrlUserinfo(s: string, start: number): boolean {
  if (start === 0 || s.charCodeAt(start - 1) !== 58) return false; // ':'
  for (let i = start - 2; i >= 2 && i > start - 300; i--) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9) return false;
    if (c === 47 && s.charCodeAt(i - 1) === 47 && s.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

/**
 * The card number in s[start, end) (digit groups and separators), if any: the whole, or with
 * trailing groups dropped. A decimal number (one '.' and nothing else) is not a card.
 */
function cardRange(s: string, start: number, end: number, out: Range): boolean {
  let dots = 0,
    others = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 32 || c === 45) others++;
  }
  if (dots === 1 && others === 0) return false;
  if (insideHexToken(s, start, end)) return false;
  let e = end;
  for (;;) {
    const n = countDigits(s, start, e);
    if (n >= 13 && n <= 19) {
      const digits = n === e - start ? s.slice(start, e) : s.slice(start, e).replace(/[ .-]/g, '');
      if (cardSchemeFits(digits) && luhn(s, start, e)) {
        out.start = start;
        out.end = e;
        return true;
      }
    }
    // Drop the last group.
    let k = e - 1;
    while (k > start && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k--;
    if (k <= start || n < 13) return false;
    e = k;
  }
}

/** At least `n` of: upper case, lower case, digit. */
function mixedClasses(v: string, n: number): boolean {
  let u = 0,
    l = 0,
    d = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 65 && c <= 90) u = 1;
    else if (c >= 97 && c <= 122) l = 1;
    else if (c >= 48 && c <= 57) d = 1;
  }
  return u + l + d >= n;
}

const counts = new Int32Array(128);
/** The words of GENERIC_WORD, lower case. */
const GENERIC_WORDS = ['secret', 'token', 'password', 'passwd', 'pwd', 'key', 'auth', 'credential', 'credentials', 'signature', 'salt'];

/** Where a secret-ish word ending at s[j] (inclusive, any case) starts, or -1. */
function wordBefore(s: string, j: number): number {
  for (const w of GENERIC_WORDS) {
    const start = j - w.length + 1;
    if (start < 0) continue;
    let k = w.length - 1;
    while (k >= 0 && (s.charCodeAt(start + k) | 32) === w.charCodeAt(k)) k--;
    if (k < 0) return start;
  }
  return -1;
}
/** Bit 1: a separator between word and value; bit 2: a letter a secret-ish word ends in. */
const GENERIC_TABLE = new Uint8Array(128);
for (const c of ' \t"\':=>-') GENERIC_TABLE[c.charCodeAt(0)] |= 1;
for (const c of 'tndyhsleTNDYHSLE') GENERIC_TABLE[c.charCodeAt(0)] |= 2;

/**
 * The generic detector at a value starting at `start` (a run of 16+ base64 characters): a
 * secret-ish word must stand just before it, and the value must look random: not hex (ids,
 * hashes, UUIDs), two character classes or more, and at least 3.3 bits of entropy per
 * character. The value runs on over `_ . = -`.
 */
export function genericSecretRange(s: string, start: number, out: Range): boolean {
  // First the last letter before the value (past quotes, spaces and separators): every word
  // GENERIC_WORD knows (and "is") ends in one of t n d y h s l e.
  let j = start - 1;
  while (j >= 0 && start - j <= 8 && (GENERIC_TABLE[s.charCodeAt(j) & 127] & 1) !== 0) j--;
  if (j < 0 || (GENERIC_TABLE[s.charCodeAt(j) & 127] & 2) === 0 || s.charCodeAt(j) > 127) return false;
  // The word itself, compared backwards (no slice, no regex); "secret is ..." too.
  let at = wordBefore(s, j);
  if (at < 0 && j >= 2 && (s.charCodeAt(j) | 32) === 115 && (s.charCodeAt(j - 1) | 32) === 105 && s.charCodeAt(j - 2) === 32) {
    let k = j - 2;
    while (k >= 0 && j - k <= 4 && s.charCodeAt(k) === 32) k--;
    if (k >= 0) at = wordBefore(s, k);
  }
  if (at < 0) return false;
  // The word starts a word: after a non-letter, or as a camelCase part (`hmacKey`, not `EXAMPLEKEY`).
  if (at > 0) {
    const b = s.charCodeAt(at - 1);
    const c = s.charCodeAt(at);
    const alnumBefore = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
    if (alnumBefore && !(c >= 65 && c <= 90 && ((b >= 97 && b <= 122) || (b >= 48 && b <= 57)))) return false;
  }
  // Then the value: most long runs after such a word are still ids and hashes.
  let end = start;
  while (end < s.length && end - start < 256) {
    const c = s.charCodeAt(end);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 95 || c === 46 || c === 45) end++;
    else break;
  }
  while (end > start && s.charCodeAt(end - 1) === 46) end--; // a full stop ends a sentence
  let u = 0,
    l = 0,
    d = 0,
    hex = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      u = 1;
      if (c > 70) hex = false;
    } else if (c >= 97 && c <= 122) {
      l = 1;
      if (c > 102) hex = false;
    } else if (c >= 48 && c <= 57) d = 1;
    else if (c !== 45) hex = false;
  }
  if (hex || u + l + d < 2) return false;
  counts.fill(0);
  const len = end - start;
  for (let i = start; i < end; i++) counts[s.charCodeAt(i) & 127]++;
  let h = 0;
  for (let i = 0; i < 128; i++) {
    if (counts[i] === 0) continue;
    const p = counts[i] / len;
    h -= p * Math.log2(p);
  }
  if (h < 3.3) return false;
  out.start = start;
  out.end = end;
  return true;
}

/** Digits glued inside a longer run of hex (a hash, a trace id): not a card written glued to letters. */
function insideHexToken(s: string, start: number, end: number): boolean {
  const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  if (!(start > 0 && isAlnum(s.charCodeAt(start - 1))) && !(end < s.length && isAlnum(s.charCodeAt(end)))) return false;
  let a = start,
    b = end;
  while (a > 0 && isAlnum(s.charCodeAt(a - 1))) a--;
  while (b < s.length && isAlnum(s.charCodeAt(b))) b++;
  for (let i = a; i < b; i++) if (!isHex(s.charCodeAt(i))) return false;
  return b - a >= 20;
}

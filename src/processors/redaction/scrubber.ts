// The compiled form of a redaction config: finds what to redact in strings, values and
// attribute lists, and rewrites them in place. Everything (regexes, tokens, the HMAC key,
// key rules) is prepared in the constructor; the per-string path allocates only when it
// finds something to redact.
import { isUtf8 } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { AnyValue, KeyValue } from '../../pdata/types.ts';
import { BLOCKED_KEY, BLOCKED_VALUE, DETECTOR_NAMES, NOT_ALLOWED_KEY, SENSITIVE_KEY, compilePattern, type Action, type RedactionProcessorConfig } from './config.ts';
import { DETECTOR_BY_INDEX, genericSecretRange, type Range } from './detectors.ts';
import { SensitiveKeys } from './keys.ts';
import { candidates, KEYED, NON_ASCII, newRuns40, PERCENT, type Runs40 } from './prefilter.ts';
import { isInvisible } from '../../match/normalise.ts';
import { type RangeSink, TextKeyScanner } from './text-keys.ts';
import { awsSecretOk } from './validators.ts';
import { Tally } from './tally.ts';

const ACTION_MASK = 0,
  ACTION_HASH = 1,
  ACTION_DROP_ATTRIBUTE = 2,
  ACTION_DROP_RECORD = 3;
const ACTION_CODE: Record<Action, number> = { mask: ACTION_MASK, hash: ACTION_HASH, drop_attribute: ACTION_DROP_ATTRIBUTE, drop_record: ACTION_DROP_RECORD };

// Key rules, cached per key: what to do with an attribute whatever its value says.
const KEY_SCAN = 0,
  KEY_IGNORED = 1,
  KEY_SENSITIVE = 2,
  KEY_BLOCKED = 3;
/** Flag on a key rule: the key itself has something to redact. */
const KEY_DIRTY = 8;
/** Distinct keys remembered; past it the cache starts over (keys are a small vocabulary in practice). */
const KEY_CACHE_MAX = 4096;
/** String values remembered as clean per key (a ring), and the longest one remembered. */
const CLEAN_SLOTS = 4;
const CLEAN_MAX_LENGTH = 128;

/**
 * What is known about one attribute key: its rule, and the last few string values under it
 * that held nothing to redact. Attribute values repeat (a circuit type, a file path, a
 * service name), and the verdict on a string depends on the string alone, so a repeated
 * clean value is passed by a comparison instead of a scan. Dirty values are never
 * remembered: their redactions must be counted each time. Bounded: CLEAN_SLOTS values of at
 * most CLEAN_MAX_LENGTH characters per key, KEY_CACHE_MAX keys.
 */
class KeyFacts {
  readonly rule: number;
  readonly #clean: string[] = new Array<string>(CLEAN_SLOTS).fill('');
  #next = 0;

  constructor(rule: number) {
    this.rule = rule;
  }

  isClean(v: string): boolean {
    const c = this.#clean;
    return c[0] === v || c[1] === v || c[2] === v || c[3] === v;
  }

  remember(v: string): void {
    if (v.length > CLEAN_MAX_LENGTH) return;
    this.#clean[this.#next] = v;
    this.#next = (this.#next + 1) % CLEAN_SLOTS;
  }
}
/** Hex characters of the HMAC kept in a hash token: 64 bits, enough to group users without collisions in practice. */
const HASH_HEX = 16;
const MIN_KEY_LENGTH = 16;
const EMAIL = DETECTOR_NAMES.indexOf('email');
const AWS_SECRET = DETECTOR_NAMES.indexOf('aws_secret_key');
const GENERIC = DETECTOR_NAMES.indexOf('generic_secret');
/** Decodings nested in one another at most: base64 in URL-encoding in fullwidth... */
const MAX_DEPTH = 3;
/** The length of an AWS secret access key (base64 of 30 bytes). */
const AWS_SECRET_LENGTH = 40;

/** A pattern-based rule that is not built in: a custom detector or a blocked_values entry. */
interface PatternRule {
  regex: RegExp;
  label: number;
}

/** Keys whose value in a header dump (`Authorization: Basic ...`) runs to the end of the line. */
const LINE_KEYS = new SensitiveKeys(['authorization', 'cookie']);

export class Scrubber implements RangeSink {
  /** Every name a redaction can be reported under, indexed by label. */
  readonly labels: string[];
  readonly #builtinMask: number;
  readonly #patterns: PatternRule[];
  readonly #actions: Int8Array;
  readonly #tokens: string[];
  readonly #hashKey: Buffer | undefined;
  readonly #allowedValues: RegExp[];
  readonly #sensitive: SensitiveKeys;
  readonly #textKeys: TextKeyScanner | undefined;
  readonly #blockedKeys: RegExp[];
  readonly #ignored: Set<string>;
  readonly #allowAll: boolean;
  readonly #allowed: Set<string>;
  readonly #keyCache = new Map<string, KeyFacts>();
  /** A tally for probing keys once (its counts are not reported). */
  readonly #probe: Tally;
  readonly #sensitiveLabel: number;
  readonly #blockedKeyLabel: number;
  readonly #notAllowedLabel: number;
  // Reused per string: candidate ranges and their labels.
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #labelOf: number[] = [];
  readonly #range: Range = { start: 0, end: 0 };
  /** Prefilter results, one per decoding depth (a decoded text is scanned inside its parent's scan). */
  readonly #runs: Runs40[] = Array.from({ length: MAX_DEPTH + 1 }, () => newRuns40());
  /** Whether base64, URL-encoding and compatibility forms are decoded and scanned (option `decode`). */
  readonly #decode: boolean;
  /** Candidates recorded for the string being scanned, and that string. */
  #found = 0;
  #s = '';
  /** Set by scrubString when a match's action is drop_attribute; the caller resets it. */
  dropAttribute = false;
  /** The label that asked for drop_attribute (for the token of a value that cannot be dropped). */
  dropLabel = 0;

  /** `env` is where the HMAC key is read from (process.env in the daemon). Throws when hash is used without a key. */
  constructor(config: RedactionProcessorConfig, env: NodeJS.ProcessEnv, id = 'redaction') {
    this.labels = [...DETECTOR_NAMES, SENSITIVE_KEY, BLOCKED_KEY, BLOCKED_VALUE, NOT_ALLOWED_KEY, ...config.custom.map((c) => c.name)];
    const n = this.labels.length;
    this.#actions = new Int8Array(n);
    let builtinMask = 0;
    DETECTOR_NAMES.forEach((name, i) => {
      const d = config.detectors[name];
      this.#actions[i] = ACTION_CODE[d.action];
      if (d.enabled) builtinMask |= 1 << i;
    });
    this.#builtinMask = builtinMask;
    this.#sensitiveLabel = DETECTOR_NAMES.length;
    this.#blockedKeyLabel = this.#sensitiveLabel + 1;
    const blockedValueLabel = this.#sensitiveLabel + 2;
    this.#notAllowedLabel = this.#sensitiveLabel + 3;
    this.#actions[this.#sensitiveLabel] = ACTION_CODE[config.sensitive_key_action];
    this.#actions[this.#blockedKeyLabel] = ACTION_CODE[config.sensitive_key_action];
    this.#actions[blockedValueLabel] = ACTION_CODE[config.blocked_values_action];
    this.#actions[this.#notAllowedLabel] = ACTION_DROP_ATTRIBUTE;
    this.#patterns = [];
    config.custom.forEach((c, i) => {
      const label = this.#notAllowedLabel + 1 + i;
      this.#actions[label] = ACTION_CODE[c.action];
      this.#patterns.push({ regex: compilePattern(c.pattern, 'g'), label });
    });
    for (const p of config.blocked_values) this.#patterns.push({ regex: compilePattern(p, 'g'), label: blockedValueLabel });
    this.#tokens = this.labels.map((l) => `[REDACTED:${l}]`);
    this.#probe = new Tally(n, false);
    // A whole-match test: the allowed regex must cover the candidate, not just touch it.
    this.#allowedValues = config.allowed_values.map((p) => {
      const ci = p.startsWith('(?i)');
      return compilePattern(`${ci ? '(?i)' : ''}^(?:${ci ? p.slice(4) : p})$`, '');
    });
    this.#sensitive = new SensitiveKeys(config.sensitive_keys);
    this.#decode = config.decode;
    this.#textKeys = config.text_keys && config.sensitive_keys.length > 0 ? new TextKeyScanner(this.#sensitive, LINE_KEYS) : undefined;
    this.#blockedKeys = config.blocked_key_patterns.map((p) => compilePattern(p, ''));
    this.#ignored = new Set(config.ignored_keys);
    this.#allowAll = config.allow_all_keys;
    this.#allowed = new Set(config.allowed_keys);

    const hashing = [...this.#actions].some((a) => a === ACTION_HASH);
    const key = env[config.hash_key_env];
    if (hashing) {
      if (key === undefined || key === '') {
        throw new Error(
          `processor ${id}: an action is "hash" but the environment variable ${config.hash_key_env} (hash_key_env) is not set; set it to a secret of at least ${MIN_KEY_LENGTH} characters, the same on every restart, or use action "mask"`,
        );
      }
      if (key.length < MIN_KEY_LENGTH) {
        throw new Error(`processor ${id}: the hash key in ${config.hash_key_env} has ${key.length} characters; use at least ${MIN_KEY_LENGTH} (a short key lets hashed values be guessed)`);
      }
      this.#hashKey = Buffer.from(key, 'utf8');
    }
  }

  /** The string with every detected secret replaced, or `s` itself when nothing was found. */
  scrubString(s: string, tally: Tally): string {
    if (s.length < 3 && this.#patterns.length === 0) return s; // shorter than anything a detector takes
    this.#found = 0;
    this.#scan(s, 0);
    const found = this.#found;
    this.#s = '';
    return found === 0 ? s : this.#rewrite(s, found, tally);
  }

  /**
   * Adds every candidate in `s` to the found list, in `s`'s coordinates. `depth` counts the
   * decodings that made `s` (base64, URL-encoding, NFKC): at most MAX_DEPTH.
   */
  #scan(s: string, depth: number): void {
    const runs = this.#runs[depth];
    const mask = candidates(s, runs) & this.#builtinMask;
    const flags = runs.flags;
    const range = this.#range;
    for (let i = 0; mask >>> i !== 0; i++) {
      if ((mask & (1 << i)) === 0) continue;
      if (i === GENERIC) {
        // Each run of 16+ base64 characters the prefilter saw, with a secret-ish word before it.
        for (let r = 0; r < runs.longCount; r++) if (genericSecretRange(s, runs.longStarts[r], range)) this.#add(s, range.start, range.end, i);
        continue;
      }
      if (i === AWS_SECRET) {
        // The prefilter found exactly what this detector's regex matches: no regex needed.
        for (let r = 0; r < runs.count; r++) {
          const start = runs.starts[r];
          if (awsSecretOk(s, start, start + AWS_SECRET_LENGTH)) this.#add(s, start, start + AWS_SECRET_LENGTH, i);
        }
        continue;
      }
      const d = DETECTOR_BY_INDEX[i];
      const re = d.regex;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        if (d.range(m, s, range)) this.#add(s, range.start, range.end, i);
        else re.lastIndex = m.index + 1; // a look-alike may hide a real match that starts inside it
      }
    }
    if ((flags & KEYED) !== 0 && this.#textKeys !== undefined) {
      this.#s = s;
      this.#textKeys.scan(s, this);
    }
    for (const p of this.#patterns) {
      const re = p.regex;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        this.#add(s, m.index, m.index + m[0].length, p.label);
      }
    }
    if (depth >= MAX_DEPTH || !this.#decode) return;
    if (runs.longCount > 0) this.#scanBase64(s, runs, depth);
    if ((flags & (NON_ASCII | PERCENT)) !== 0) this.#scanShadow(s, depth);
  }

  /**
   * Base64 runs that decode to printable text are scanned as text; when the text holds
   * anything to redact, the whole run is redacted (labelled by what was found in it).
   */
  #scanBase64(s: string, runs: Runs40, depth: number): void {
    for (let r = 0; r < runs.longCount; r++) {
      const start = runs.longStarts[r];
      const len = runs.longLengths[r];
      let end = start + len;
      while (end < s.length && end - start - len < 2 && s.charCodeAt(end) === 61) end++;
      if ((end - start) % 4 === 1 || !leadsPrintable(s, start, len) || !base64Plausible(s, start, start + len)) continue;
      const bytes = Buffer.from(s.slice(start, end), 'base64');
      if (bytes.length < 6 || !printable(bytes)) continue;
      const base = this.#found;
      this.#scan(bytes.toString('latin1'), depth + 1);
      if (this.#found === base) continue;
      let label = this.#labelOf[base];
      for (let k = base + 1; k < this.#found; k++) if (this.#labelOf[k] < label) label = this.#labelOf[k];
      this.#found = base;
      this.#starts[base] = start;
      this.#ends[base] = end;
      this.#labelOf[base] = label;
      this.#found = base + 1;
    }
  }

  /**
   * The text a reader sees: URL-escapes of printable ASCII decoded, compatibility forms
   * (fullwidth `＠`, fullwidth digits) mapped by NFKC, zero-width characters removed. It is
   * scanned, and what is found there is mapped back to the characters it came from.
   */
  #scanShadow(s: string, depth: number): void {
    const from: number[] = [];
    const to: number[] = [];
    let out = '';
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 37 && i + 2 < n) {
        const v = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
        if (v >= 0x20 && v < 0x7f) {
          out += String.fromCharCode(v);
          from.push(i);
          to.push(i + 3);
          i += 2;
          continue;
        }
      }
      if (c < 128) {
        out += s[i];
        from.push(i);
        to.push(i + 1);
        continue;
      }
      if (isInvisible(c)) continue;
      const cp = s.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      const norm = String.fromCodePoint(cp).normalize('NFKC');
      for (let k = 0; k < norm.length; k++) {
        from.push(i);
        to.push(i + w);
      }
      out += norm;
      i += w - 1;
    }
    if (out === s) return;
    const base = this.#found;
    this.#scan(out, depth + 1);
    for (let k = base; k < this.#found; k++) {
      this.#starts[k] = from[this.#starts[k]];
      this.#ends[k] = to[this.#ends[k] - 1];
    }
  }

  /** RangeSink: a value found after a sensitive key inside text. */
  keyed(start: number, end: number): void {
    this.#add(this.#s, start, end, this.#sensitiveLabel);
  }

  /** Records a candidate unless an allowed_values pattern covers it. */
  #add(s: string, start: number, end: number, label: number): void {
    if (this.#allowedValues.length > 0 && this.#isAllowed(s.slice(start, end))) return;
    const found = this.#found;
    this.#starts[found] = start;
    this.#ends[found] = end;
    this.#labelOf[found] = label;
    this.#found = found + 1;
  }

  #isAllowed(value: string): boolean {
    for (const re of this.#allowedValues) if (re.test(value)) return true;
    return false;
  }

  /**
   * Builds the output. Overlapping candidates merge into one range (so no part of any match
   * survives), labelled by the highest-priority detector among them.
   */
  #rewrite(s: string, found: number, tally: Tally): string {
    const starts = this.#starts,
      ends = this.#ends,
      labels = this.#labelOf;
    // Insertion sort by start: `found` is small.
    for (let i = 1; i < found; i++) {
      const st = starts[i],
        en = ends[i],
        lb = labels[i];
      let j = i - 1;
      while (j >= 0 && starts[j] > st) {
        starts[j + 1] = starts[j];
        ends[j + 1] = ends[j];
        labels[j + 1] = labels[j];
        j--;
      }
      starts[j + 1] = st;
      ends[j + 1] = en;
      labels[j + 1] = lb;
    }
    let out = '';
    let pos = 0;
    let i = 0;
    while (i < found) {
      const start = starts[i];
      let end = ends[i];
      let label = labels[i];
      this.#act(label, tally);
      for (i++; i < found && starts[i] < end; i++) {
        if (ends[i] > end) end = ends[i];
        if (labels[i] < label) label = labels[i];
        this.#act(labels[i], tally);
      }
      tally.count(label);
      out += s.slice(pos, start) + this.#replacement(label, s.slice(start, end));
      pos = end;
    }
    return out + s.slice(pos);
  }

  #act(label: number, tally: Tally): void {
    const a = this.#actions[label];
    if (a === ACTION_DROP_RECORD) tally.dropRecord = true;
    else if (a === ACTION_DROP_ATTRIBUTE) {
      this.dropAttribute = true;
      this.dropLabel = label;
    }
  }

  /** The mask token of a label: `[REDACTED:<name>]`. */
  token(label: number): string {
    return this.#tokens[label];
  }

  /** The replacement for a redacted value: the mask, or a keyed hash that groups equal values. */
  #replacement(label: number, value: string): string {
    if (this.#actions[label] !== ACTION_HASH) return this.#tokens[label];
    // E-mail addresses are case-insensitive in practice: Alice@X.com and alice@x.com are one user.
    const v = label === EMAIL ? value.toLowerCase() : value;
    const h = createHmac('sha256', this.#hashKey!).update(v).digest('hex').slice(0, HASH_HEX);
    return `[HASHED:${this.labels[label]}:${h}]`;
  }

  /** Scrubs a value in place. Sets `dropAttribute` when the enclosing attribute must go. */
  scrubValue(v: AnyValue, tally: Tally): void {
    if (v.stringValue !== undefined) {
      const s = this.scrubString(v.stringValue, tally);
      if (s !== v.stringValue) v.stringValue = s;
    } else if (v.kvlistValue !== undefined) {
      this.scrubAttributes(v.kvlistValue.values, tally, false);
    } else if (v.arrayValue !== undefined) {
      for (const e of v.arrayValue.values) this.scrubValue(e, tally);
    } else if (v.bytesValue !== undefined) {
      // Bytes that are text (valid UTF-8) are scanned as text and written back as bytes.
      const b = v.bytesValue;
      if (b.length < 3 || !isUtf8(b)) return;
      const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
      const s = this.scrubString(text, tally);
      if (s !== text) v.bytesValue = Buffer.from(s, 'utf8');
    } else if (v.doubleValue !== undefined) {
      // Card numbers sent as doubles (exact up to 2^53: every 15- and 16-digit card below 9007...).
      const d = v.doubleValue;
      if (!Number.isInteger(d) || Math.abs(d) < 1e12) return;
      const text = BigInt(d).toString();
      const s = this.scrubString(text, tally);
      if (s !== text) {
        v.doubleValue = undefined;
        v.stringValue = s;
      }
    } else if (v.intValue !== undefined && (v.intValue >= 1_000_000_000_000n || v.intValue <= -1_000_000_000_000n)) {
      // Card numbers sent as integers.
      const text = v.intValue.toString();
      const s = this.scrubString(text, tally);
      if (s !== text) {
        v.intValue = undefined;
        v.stringValue = s;
      }
    }
  }

  /**
   * Scrubs an attribute list (or a map value's entries) in place, removing entries whose
   * action is drop_attribute. `top`: a record's own attribute list, where allowed_keys applies.
   */
  scrubAttributes(attrs: KeyValue[], tally: Tally, top: boolean): void {
    let w = 0;
    for (let r = 0; r < attrs.length; r++) {
      const kv = attrs[r];
      const facts = this.#keyFacts(kv.key);
      let rule = facts.rule;
      if (rule & KEY_DIRTY) {
        // The key itself holds something to redact (an e-mail address as a key).
        kv.key = this.#scrubKey(kv.key, tally);
        rule &= ~KEY_DIRTY;
      }
      let keep = true;
      if (rule === KEY_IGNORED) {
        // passes untouched
      } else if (top && !this.#allowAll && !this.#allowed.has(kv.key)) {
        tally.count(this.#notAllowedLabel);
        tally.key(kv.key);
        keep = false;
      } else if (rule !== KEY_SCAN) {
        keep = this.#redactWhole(kv, rule === KEY_SENSITIVE ? this.#sensitiveLabel : this.#blockedKeyLabel, tally);
      } else {
        const text = kv.value.stringValue;
        if (text === undefined || !facts.isClean(text)) {
          const before = tally.total;
          this.dropAttribute = false;
          this.scrubValue(kv.value, tally);
          if (this.dropAttribute) keep = false;
          this.dropAttribute = false;
          if (tally.total !== before) tally.key(kv.key);
          else if (text !== undefined) facts.remember(text);
        }
      }
      if (keep) attrs[w++] = kv;
    }
    attrs.length = w;
  }

  /** A sensitive key's value, whatever it holds. Returns false when the attribute must go. */
  #redactWhole(kv: KeyValue, label: number, tally: Tally): boolean {
    const v = kv.value;
    const text = v.stringValue ?? valueText(v);
    if (text === '' || (this.#allowedValues.length > 0 && this.#isAllowed(text))) return true;
    tally.count(label);
    tally.key(kv.key);
    const a = this.#actions[label];
    if (a === ACTION_DROP_RECORD) tally.dropRecord = true;
    if (a === ACTION_DROP_ATTRIBUTE) return false;
    kv.value = { stringValue: this.#replacement(label, text) };
    return true;
  }

  /** A key with something to redact in it: scrubbed as text; drop_attribute on a key masks it whole. */
  #scrubKey(key: string, tally: Tally): string {
    const drop = this.dropAttribute;
    this.dropAttribute = false;
    let out = this.scrubString(key, tally);
    if (this.dropAttribute) out = this.#tokens[this.dropLabel];
    this.dropAttribute = drop;
    return out;
  }

  #keyFacts(key: string): KeyFacts {
    const known = this.#keyCache.get(key);
    if (known !== undefined) return known;
    let rule: number;
    if (this.#ignored.has(key)) rule = KEY_IGNORED;
    else {
      if (this.#sensitive.matches(key)) rule = KEY_SENSITIVE;
      else if (this.#blockedKeys.some((re) => re.test(key))) rule = KEY_BLOCKED;
      else rule = KEY_SCAN;
      // Looked at once per distinct key: does the key itself hold something to redact?
      const drop = this.dropAttribute;
      this.#probe.reset();
      if (this.scrubString(key, this.#probe) !== key) rule |= KEY_DIRTY;
      this.dropAttribute = drop;
    }
    if (this.#keyCache.size >= KEY_CACHE_MAX) this.#keyCache.clear();
    const facts = new KeyFacts(rule);
    this.#keyCache.set(key, facts);
    return facts;
  }
}

/** A non-string value as text, for hashing and allowed_values (bytes as base64). */
function valueText(v: AnyValue): string {
  if (v.intValue !== undefined) return v.intValue.toString();
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return 256; // makes the combined value out of range
}

/** Printable ASCII (and tab, newline): what text decoded from base64 must be to be scanned. */
function printable(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c < 0x20 || c > 0x7e) && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Not hex (hashes, ids) and not one-case letters (words, paths): base64 mixes classes. */
function base64Plausible(s: string, start: number, end: number): boolean {
  let upper = 0,
    lower = 0,
    digit = 0,
    hexOnly = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper++;
      if (c > 70) hexOnly = false;
    } else if (c >= 97 && c <= 122) {
      lower++;
      if (c > 102) hexOnly = false;
    } else if (c >= 48 && c <= 57) digit++;
    else hexOnly = false;
  }
  if (hexOnly) return false;
  return (upper > 0 ? 1 : 0) + (lower > 0 ? 1 : 0) + (digit > 0 ? 1 : 0) >= 2;
}

/**
 * The first character of each 4-character group of base64 holds the top six bits of a byte;
 * for printable ASCII (0x20-0x7e) that is 8..31, the characters I-Z and a-f. Three groups are
 * checked: hex ids, words and paths mostly fail here, before anything is decoded.
 */
function leadsPrintable(s: string, start: number, len: number): boolean {
  for (let k = 0; k < len && k < 12; k += 4) {
    const c = s.charCodeAt(start + k);
    if (!((c >= 73 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

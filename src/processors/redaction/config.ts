import { z } from 'zod';

// The redaction processor's options. Keys that otelcol contrib's redaction processor also has
// (allow_all_keys, allowed_keys, ignored_keys, blocked_key_patterns, blocked_values,
// allowed_values, summary) mean the same thing here, so a contrib config ports over; what we
// add is the built-in detectors, the sensitive key list, custom patterns and keyed hashing.

/** Built-in detectors, in priority order: when two matches overlap, the first named wins the label. */
export const DETECTOR_NAMES = [
  'pem_private_key',
  'jwt',
  'url_password',
  'auth_header',
  'google_api_key',
  'gcp_service_account',
  'azure_storage_key',
  'azure_sas',
  'gitlab_token',
  'npm_token',
  'pypi_token',
  'openai_key',
  'sendgrid_key',
  'twilio_key',
  'aws_access_key_id',
  'aws_secret_key',
  'github_token',
  'slack_token',
  'stripe_key',
  'email',
  'iban',
  'credit_card',
  'us_ssn',
  'ipv6',
  'ipv4',
  'phone',
  'generic_secret',
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/** Names used for redactions that no value detector made (summary attributes and metrics). */
export const SENSITIVE_KEY = 'sensitive_key';
export const BLOCKED_KEY = 'blocked_key';
export const BLOCKED_VALUE = 'blocked_value';
export const NOT_ALLOWED_KEY = 'not_allowed_key';
const RESERVED = new Set<string>([...DETECTOR_NAMES, SENSITIVE_KEY, BLOCKED_KEY, BLOCKED_VALUE, NOT_ALLOWED_KEY]);

export const ACTIONS = ['mask', 'hash', 'drop_attribute', 'drop_record'] as const;
export type Action = (typeof ACTIONS)[number];
const action = z.enum(ACTIONS);

export const DEFAULT_SENSITIVE_KEYS = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'session',
  'session_id',
  'sessionid',
  'private_key',
  'credentials',
  'credential',
  'secret_key',
  'access_key',
  'passphrase',
];

const detector = z.strictObject({
  /** Whether the detector runs. */
  enabled: z.boolean().default(true),
  /** What happens to a match: mask (`[REDACTED:<name>]`), hash (keyed HMAC-SHA256), drop_attribute, drop_record. */
  action: action.default('mask'),
});

const detectors = z.strictObject(Object.fromEntries(DETECTOR_NAMES.map((n) => [n, detector.prefault({})])) as Record<DetectorName, z.ZodPrefault<typeof detector>>);

/** A JavaScript regular expression source; a leading `(?i)` (RE2 style, as in contrib configs) means case-insensitive. */
const pattern = z.string().min(1);

export const redactionProcessorConfig = z
  .strictObject({
    /** Built-in detectors by name; every one is on with action mask unless set here. */
    detectors: detectors.prefault({}),
    /**
     * Keys whose values are redacted whatever they look like. A key matches when, read as words
     * (separators `_ - . / : space`, camelCase; case, NFKC forms and zero-width characters
     * ignored), it ends with an entry's words: `password` matches `user_password`,
     * `userPassword`, `DB-Password` and `http.request.header.password`.
     */
    sensitive_keys: z.array(z.string().min(1)).default(DEFAULT_SENSITIVE_KEYS),
    /**
     * Also look for sensitive keys inside text: `password=...`, `"api_key": "..."`, `{'token': '...'}`,
     * `?token=...`, `Authorization: ...` in string bodies, attribute values and names.
     */
    text_keys: z.boolean().default(true),
    /**
     * Also scan what encodings hide: base64 runs that decode to printable text, URL-encoding
     * (`alice%40example.com`), compatibility forms (fullwidth `＠` and digits) and zero-width
     * characters. What is found is redacted in the original text.
     */
    decode: z.boolean().default(true),
    /** Action for values of sensitive keys and blocked_key_patterns. */
    sensitive_key_action: action.default('mask'),
    /** contrib: regexes of keys whose values are redacted whatever they look like. */
    blocked_key_patterns: z.array(pattern).default([]),
    /** contrib: regexes of values (or parts of values) to redact, reported as detector `blocked_value`. */
    blocked_values: z.array(pattern).default([]),
    /** Action for blocked_values matches. */
    blocked_values_action: action.default('mask'),
    /** Extra detectors: a name (used in tokens, summaries and metrics), a regex, an action. */
    custom: z.array(z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lowercase letters, digits and _'), pattern, action: action.default('mask') })).default([]),
    /** contrib: keys whose values pass untouched (no detector, no sensitive key rule). */
    ignored_keys: z.array(z.string()).default([]),
    /** contrib: regexes; a match that one of them matches whole is left as it is. */
    allowed_values: z.array(pattern).default([]),
    /** contrib: when false, attributes whose key is not in allowed_keys are removed. Default: true when allowed_keys is empty. */
    allow_all_keys: z.boolean().optional(),
    /** contrib: the attribute keys kept when allow_all_keys is false (their values are still scrubbed). */
    allowed_keys: z.array(z.string()).default([]),
    /** Environment variable holding the HMAC key for action hash (at least 16 characters). */
    hash_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .default('GENRF_REDACTION_KEY'),
    /**
     * silent: no summary attributes. info: `redaction.redacted.count` and
     * `redaction.redacted.detectors` on each changed record. debug: also `redaction.redacted.keys`.
     */
    summary: z.enum(['silent', 'info', 'debug']).default('silent'),
  })
  .superRefine((c, ctx) => {
    const regexes: Array<[string, string[]]> = [
      ['blocked_key_patterns', c.blocked_key_patterns],
      ['blocked_values', c.blocked_values],
      ['allowed_values', c.allowed_values],
    ];
    for (const [key, list] of regexes) {
      list.forEach((p, i) => {
        const err = regexError(p);
        if (err) ctx.addIssue({ code: 'custom', path: [key, i], message: `invalid regular expression: ${err}` });
      });
    }
    const seen = new Set<string>();
    c.custom.forEach((d, i) => {
      const err = regexError(d.pattern);
      if (err) ctx.addIssue({ code: 'custom', path: ['custom', i, 'pattern'], message: `invalid regular expression: ${err}` });
      if (RESERVED.has(d.name)) ctx.addIssue({ code: 'custom', path: ['custom', i, 'name'], message: `"${d.name}" is a built-in detector name; pick another` });
      else if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: ['custom', i, 'name'], message: `custom detector "${d.name}" is defined twice` });
      seen.add(d.name);
    });
  })
  .transform((c) => ({ ...c, allow_all_keys: c.allow_all_keys ?? c.allowed_keys.length === 0 }));

export type RedactionProcessorConfig = z.output<typeof redactionProcessorConfig>;

/** Compiles a configured pattern; `(?i)` at the start becomes the `i` flag. */
export function compilePattern(source: string, flags: string): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), `${flags}i`);
  return new RegExp(source, flags);
}

function regexError(source: string): string | undefined {
  try {
    compilePattern(source, 'g');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

// Secrets out of everything the daemon shows: its logs, /health, the status page, validate
// and graph output, metric labels. What is masked: the userinfo of URLs
// (`http://admin:pw@host` -> `http://***@host`), `Bearer`/`Basic` credentials, and the values
// of keys that name a secret (password, token, secret, api key, authorization, cookie,
// credentials) in JSON (`"password":"..."`), in `key=value` text and in `key: value` text.
// Text without any of these comes back as it was (the same string, no allocation).

export const MASK = '***';

const SECRET_KEY = String.raw`[\w.-]*(?:password|passwd|pwd|secret|token|api[-_]?key|apikey|authorization|cookie|credentials?)`;
/** `scheme://userinfo@` */
const USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
/** `Bearer abc`, `Basic dXNlcjpwdw==` */
const SCHEME_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g;
/** `"api_key":"..."` (a JSON log line, a config value shown as JSON) */
const JSON_RE = new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi');
/** `password=...`, `token: ...` in free text and query strings */
const PAIR_RE = new RegExp(String.raw`(\b${SECRET_KEY}\s*[=:]\s*)(?!\*\*\*|Bearer\b|Basic\b)([^\s&"',;)}\]]+)`, 'gi');
const QUICK_RE = /[@=:]|bearer|basic/i;

/** `text` with its secrets masked. */
export function redactText(text: string): string {
  if (!QUICK_RE.test(text)) return text;
  let out = text;
  if (out.includes('@')) out = out.replace(USERINFO_RE, `$1${MASK}@`);
  out = out.replace(SCHEME_RE, `$1 ${MASK}`);
  if (out.includes('"')) out = out.replace(JSON_RE, `$1"${MASK}"`);
  out = out.replace(PAIR_RE, `$1${MASK}`);
  return out;
}

/** A log destination that masks each line before it is written (pino writes one line per call). */
export function redactingStream(destination: { write(chunk: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      destination.write(redactText(chunk));
    },
  };
}

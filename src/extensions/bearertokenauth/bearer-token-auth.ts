import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreateSettings, Extension, Health } from '../../pipeline/component.ts';
import type { AuthResult, HeaderReader, ServerAuthenticator } from '../../net/auth.ts';
import { FilePoll } from '../../net/file-poll.ts';
import type { BearerTokenAuthConfig } from './config.ts';

// Tokens are kept as sha256 digests and compared in constant time, so neither the memory
// image nor the timing of a refusal tells much about them. No message names a token.

interface Entry {
  digest: Buffer;
  subject: string;
}

const RELOAD_MS = 1000;

export class BearerTokenAuth implements Extension, ServerAuthenticator {
  readonly challenge: string;
  readonly #settings: CreateSettings;
  readonly #config: BearerTokenAuthConfig;
  readonly #header: string;
  readonly #prefix: string;
  readonly #inline: Entry[];
  #fromFile: Entry[] = [];
  #poll: FilePoll | undefined;
  #started = false;

  constructor(settings: CreateSettings, config: BearerTokenAuthConfig) {
    this.#settings = settings;
    this.#config = config;
    this.#header = config.header.toLowerCase();
    this.#prefix = config.scheme === '' ? '' : `${config.scheme.toLowerCase()} `;
    this.challenge = config.scheme === '' ? '' : `${config.scheme} realm="genrf-collector"`;
    const id = settings.id.text;
    const all = config.token === undefined ? config.tokens : [config.token, ...config.tokens];
    this.#inline = all.map((t) => (typeof t === 'string' ? entry(t, id) : entry(t.token, t.subject)));
  }

  async start(): Promise<void> {
    const file = this.#config.filename;
    if (file !== undefined) {
      let content: Buffer;
      try {
        content = await readFile(file);
      } catch (err) {
        throw new Error(`${this.#settings.id.text}: cannot read filename ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
      this.#fromFile = this.#parse(content);
      this.#poll = new FilePoll(file, content);
      this.#poll.start(
        RELOAD_MS,
        (next) => {
          this.#fromFile = this.#parse(next);
          this.#settings.logger.info({ extension: this.#settings.id.text, tokens: this.#fromFile.length }, 'bearertokenauth: the token file changed; its tokens apply now');
        },
        (err) => this.#settings.logger.warn({ extension: this.#settings.id.text, err: err.message }, 'bearertokenauth: the token file cannot be read; the tokens read last stay'),
      );
    }
    this.#started = true;
  }

  async shutdown(): Promise<void> {
    this.#started = false;
    this.#poll?.stop();
  }

  health(): Health {
    const n = this.#inline.length + this.#fromFile.length;
    return n > 0 ? { healthy: true } : { healthy: false, message: 'no token: every request is refused' };
  }

  authenticate(header: HeaderReader): AuthResult {
    if (!this.#started) return { ok: false, reason: 'unavailable', message: 'the authenticator is not started' };
    const value = header(this.#header);
    if (value === undefined || value === '') return { ok: false, reason: 'missing', message: `no credentials: send the ${this.#config.header} header` };
    const prefix = this.#prefix;
    if (prefix !== '' && (value.length <= prefix.length || value.slice(0, prefix.length).toLowerCase() !== prefix)) {
      return { ok: false, reason: 'invalid', message: `the ${this.#config.header} header does not use the ${this.#config.scheme} scheme` };
    }
    const digest = sha256(value.slice(prefix.length).trim());
    let subject: string | undefined;
    // Every entry is compared, so the time taken does not say which one matched.
    for (const e of this.#inline) if (timingSafeEqual(digest, e.digest) && subject === undefined) subject = e.subject;
    for (const e of this.#fromFile) if (timingSafeEqual(digest, e.digest) && subject === undefined) subject = e.subject;
    return subject === undefined ? { ok: false, reason: 'invalid', message: 'the token is not valid' } : { ok: true, subject };
  }

  /** `token` or `token,subject` per line; blank lines and `#` comments are skipped. */
  #parse(content: Buffer): Entry[] {
    const out: Entry[] = [];
    for (const raw of content.toString('utf8').split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const comma = line.indexOf(',');
      const token = (comma < 0 ? line : line.slice(0, comma)).trim();
      const subject = comma < 0 ? this.#settings.id.text : line.slice(comma + 1).trim() || this.#settings.id.text;
      if (token !== '') out.push(entry(token, subject));
    }
    return out;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const entry = (token: string, subject: string): Entry => ({ digest: sha256(token), subject });

import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreateSettings, Extension, Health } from '../../pipeline/component.ts';
import type { AuthResult, HeaderReader, ServerAuthenticator } from '../../net/auth.ts';
import { FilePoll } from '../../net/file-poll.ts';
import type { BasicAuthConfig } from './config.ts';
import { parseHtpasswd } from './htpasswd.ts';

// A bcrypt check costs tens of milliseconds of CPU by design, far too much per request. So a
// credential that passed (or failed) is remembered, as an HMAC under a key made at start
// (never the password), until the htpasswd changes; only a new credential pays for bcrypt,
// and at most MAX_CHECKS of those run at once: more are refused as `unavailable` (retry).

const RELOAD_MS = 1000;
const MAX_CHECKS = 4;
const CACHE_SIZE = 1024;
// A valid hash for no user: an unknown user costs the same bcrypt as a known one.
const DUMMY_HASH = '$2b$10$w8HXnnmd8RX/zwc36SSPv.zZIVrYbSBcOdBGCypEVCAHw4L.0lfwm';

export class BasicAuth implements Extension, ServerAuthenticator {
  readonly challenge = 'Basic realm="genrf-collector", charset="UTF-8"';
  readonly #settings: CreateSettings;
  readonly #config: BasicAuthConfig;
  readonly #key = randomBytes(32);
  readonly #inline: Map<string, string>;
  #users = new Map<string, string>();
  /** HMAC of `user\0password` -> the user (passed) or '' (failed). */
  #known = new Map<string, string>();
  #checking = 0;
  #poll: FilePoll | undefined;
  #started = false;

  constructor(settings: CreateSettings, config: BasicAuthConfig) {
    this.#settings = settings;
    this.#config = config;
    // Parsed at build time, so `validate` reports a bad inline line.
    this.#inline = parseHtpasswd(config.htpasswd.inline ?? '', `${settings.id.text}: htpasswd.inline`);
    this.#users = new Map(this.#inline);
  }

  async start(): Promise<void> {
    const file = this.#config.htpasswd.file;
    if (file !== undefined) {
      let content: Buffer;
      try {
        content = await readFile(file);
      } catch (err) {
        throw new Error(`${this.#settings.id.text}: cannot read htpasswd.file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
      this.#use(content);
      this.#poll = new FilePoll(file, content);
      const { logger, id } = this.#settings;
      this.#poll.start(
        RELOAD_MS,
        (next) => {
          this.#use(next);
          logger.info({ extension: id.text, users: this.#users.size }, 'basicauth: the htpasswd file changed; its users apply now');
        },
        (err) => logger.warn({ extension: id.text, err: err.message }, 'basicauth: the htpasswd file is unreadable or invalid; the users read last stay'),
      );
    }
    this.#started = true;
  }

  async shutdown(): Promise<void> {
    this.#started = false;
    this.#poll?.stop();
  }

  health(): Health {
    return this.#users.size > 0 ? { healthy: true } : { healthy: false, message: 'no user: every request is refused' };
  }

  /** Takes a file's users (throws, keeping the current ones, when a line is bad). */
  #use(content: Buffer): void {
    const fromFile = parseHtpasswd(content.toString('utf8'), `${this.#settings.id.text}: htpasswd.file`);
    this.#users = new Map([...fromFile, ...this.#inline]);
    this.#known = new Map();
  }

  authenticate(header: HeaderReader): AuthResult | Promise<AuthResult> {
    if (!this.#started) return { ok: false, reason: 'unavailable', message: 'the authenticator is not started' };
    const value = header('authorization');
    if (value === undefined || value === '') return { ok: false, reason: 'missing', message: 'no credentials: send Authorization: Basic' };
    if (value.length < 7 || value.slice(0, 6).toLowerCase() !== 'basic ') return { ok: false, reason: 'invalid', message: 'the Authorization header does not use the Basic scheme' };
    const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'invalid', message: 'malformed Basic credentials: expected base64 of user:password' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const mac = createHmac('sha256', this.#key).update(user).update('\0').update(password).digest('base64');
    const known = this.#known.get(mac);
    if (known !== undefined) return known === '' ? refused() : { ok: true, subject: known };
    if (this.#checking >= MAX_CHECKS) return { ok: false, reason: 'unavailable', message: 'too many new credentials being checked at once; retry' };
    return this.#check(user, password, mac);
  }

  async #check(user: string, password: string, mac: string): Promise<AuthResult> {
    const users = this.#users;
    const hash = users.get(user);
    this.#checking++;
    let ok: boolean;
    try {
      // bcryptjs is imported on first use, as the other authenticators' libraries.
      const { compare } = await import('bcryptjs');
      ok = (await compare(password, hash ?? DUMMY_HASH)) && hash !== undefined;
    } finally {
      this.#checking--;
    }
    // A reload while bcrypt ran: the answer is for the users it ran against; do not keep it.
    if (users === this.#users) {
      if (this.#known.size >= CACHE_SIZE) this.#known.delete(this.#known.keys().next().value!);
      this.#known.set(mac, ok ? user : '');
    }
    return ok ? { ok: true, subject: user } : refused();
  }
}

const refused = (): AuthResult => ({ ok: false, reason: 'invalid', message: 'the user name or password is not valid' });

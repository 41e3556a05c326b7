import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { cipherString, TLS_VERSIONS, type ServerTlsConfig } from './tls-config.ts';

// A server's certificate, key and client CA, read from disk at start and again every
// reload_interval. A changed set is checked (the key must match the certificate) before it
// replaces the running one, so a rotation caught half-written keeps the old set until the
// next read; connections already open keep the context they were made with.

interface Files {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
}

/** What a TLS server is built with, and what it is told when the files change. */
export interface TlsServerSetup {
  /** Connection options (requestCert, rejectUnauthorized): fixed for the server's life. */
  connection: { requestCert: boolean; rejectUnauthorized: boolean };
  /** The secure-context options (key, cert, ca, versions, ciphers): replaced on reload. */
  context: SecureContextOptions;
}

export class ServerTls {
  readonly #config: ServerTlsConfig;
  readonly #who: string;
  readonly #logger: Logger;
  #files: Files;
  #timer: NodeJS.Timeout | undefined;
  /** The last set that failed its check, so that a broken rotation is logged once, not every read. */
  #rejected = '';

  private constructor(config: ServerTlsConfig, who: string, logger: Logger, files: Files) {
    this.#config = config;
    this.#who = who;
    this.#logger = logger;
    this.#files = files;
  }

  /** Reads and checks the files; rejects with an error naming the file (never its content). */
  static async load(config: ServerTlsConfig, who: string, logger: Logger): Promise<ServerTls> {
    const files = await readFiles(config, who);
    const tls = new ServerTls(config, who, logger, files);
    try {
      createSecureContext(tls.context);
    } catch (err) {
      throw new Error(`${who}: tls: ${describeTlsError(err)} (cert_file ${config.cert_file}, key_file ${config.key_file})`, { cause: err });
    }
    logger.info({ listener: who, ...certFacts(files.cert), mtls: files.ca !== undefined }, 'TLS certificate loaded');
    return tls;
  }

  get setup(): TlsServerSetup {
    const mtls = this.#config.client_ca_file !== undefined;
    return { connection: { requestCert: mtls, rejectUnauthorized: mtls }, context: this.context };
  }

  get context(): SecureContextOptions {
    const c = this.#config;
    const f = this.#files;
    return {
      cert: f.cert,
      key: f.key,
      ca: f.ca,
      minVersion: TLS_VERSIONS[c.min_version],
      maxVersion: c.max_version === undefined ? undefined : TLS_VERSIONS[c.max_version],
      ciphers: cipherString(c.cipher_suites),
    };
  }

  /** Reads the files every reload_interval (0: never) and calls `apply` with a changed, valid context. */
  watch(apply: (context: SecureContextOptions) => void): void {
    const every = this.#config.reload_interval;
    if (every <= 0 || this.#timer) return;
    let busy = false;
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.#check(apply).finally(() => {
        busy = false;
      });
    }, every);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #check(apply: (context: SecureContextOptions) => void): Promise<void> {
    let next: Files;
    try {
      next = await readFiles(this.#config, this.#who);
    } catch (err) {
      this.#once('unreadable', () => this.#logger.warn({ listener: this.#who, err: (err as Error).message }, 'TLS reload: a file cannot be read; the current certificate stays'));
      return;
    }
    const f = this.#files;
    if (next.cert.equals(f.cert) && next.key.equals(f.key) && sameBuffer(next.ca, f.ca)) return;
    const previous = this.#files;
    this.#files = next;
    const context = this.context;
    try {
      createSecureContext(context);
      apply(context);
    } catch (err) {
      this.#files = previous;
      this.#once(`${next.cert.length}:${next.key.length}:${describeTlsError(err)}`, () =>
        this.#logger.warn({ listener: this.#who, err: describeTlsError(err) }, 'TLS reload: the new files do not make a valid certificate and key (yet); the current certificate stays'),
      );
      return;
    }
    this.#rejected = '';
    this.#logger.info({ listener: this.#who, ...certFacts(next.cert) }, 'TLS certificate reloaded: new connections use it');
  }

  #once(key: string, log: () => void): void {
    if (this.#rejected === key) return;
    this.#rejected = key;
    log();
  }
}

async function readFiles(c: ServerTlsConfig, who: string): Promise<Files> {
  const read = async (key: string, path: string) => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new Error(`${who}: cannot read tls.${key} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  };
  const [cert, key, ca] = await Promise.all([read('cert_file', c.cert_file), read('key_file', c.key_file), c.client_ca_file === undefined ? undefined : read('client_ca_file', c.client_ca_file)]);
  return { cert, key, ca };
}

const sameBuffer = (a: Buffer | undefined, b: Buffer | undefined) => (a === undefined ? b === undefined : b !== undefined && a.equals(b));

/** OpenSSL's reason without the key material or anything else from the files. */
function describeTlsError(err: unknown): string {
  const e = err as { code?: string; reason?: string; message?: string };
  return e.reason ?? e.code ?? String(e.message ?? err);
}

/** What an operator wants to see about a certificate (never the key). */
function certFacts(pem: Buffer): Record<string, string> {
  try {
    const x = new X509Certificate(pem);
    return { subject: x.subject.replaceAll('\n', ', '), serial: x.serialNumber, not_after: new Date(x.validTo).toISOString() };
  } catch {
    return {};
  }
}

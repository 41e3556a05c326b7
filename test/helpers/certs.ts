import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Throwaway certificates for tests, made with Debian's openssl CLI: a CA, then server and
// client certificates it signs (EC P-256, valid one day). Nothing here is a fixture on disk:
// every test run makes its own.

export interface Issued {
  cert: string;
  key: string;
  /** The PEM texts, for clients that take contents rather than paths. */
  certPem: Buffer;
  keyPem: Buffer;
}

export class TestPki {
  readonly dir: string;
  readonly ca: string;
  readonly caPem: Buffer;
  #serial = 0;

  /** A new CA in a new temporary directory (or in `dir`). */
  constructor(name = 'genrf test CA', dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'genrf-pki-'));
    const slug = name.replace(/\W+/g, '-');
    this.ca = join(this.dir, `${slug}.pem`);
    this.#ssl('req', '-x509', ...EC, '-keyout', `${slug}.key`, '-out', this.ca, '-days', '1', '-subj', `/CN=${name}`);
    this.#caKey = join(this.dir, `${slug}.key`);
    this.caPem = readFileSync(this.ca);
  }

  readonly #caKey: string;

  /** A server certificate for 127.0.0.1 and localhost (or the names given). */
  server(name = 'server', cn = '127.0.0.1', san = 'IP:127.0.0.1,DNS:localhost'): Issued {
    return this.#issue(name, cn, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  }

  /** A client certificate with this common name. */
  client(name = 'client', cn = 'genrf-worker'): Issued {
    return this.#issue(name, cn, 'extendedKeyUsage=clientAuth\n');
  }

  /** Writes `issued` over the files at `to` (a rotation): key first, then certificate, as a careless tool would. */
  static rotate(from: Issued, to: Issued): void {
    writeFileSync(to.key, from.keyPem);
    writeFileSync(to.cert, from.certPem);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #issue(name: string, cn: string, ext: string): Issued {
    const n = `${name}-${++this.#serial}`;
    writeFileSync(join(this.dir, `${n}.ext`), ext);
    this.#ssl('req', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${cn}`);
    this.#ssl(
      'x509',
      '-req',
      '-in',
      `${n}.csr`,
      '-CA',
      this.ca,
      '-CAkey',
      this.#caKey,
      '-set_serial',
      String(Date.now() * 100 + this.#serial),
      '-out',
      `${n}.pem`,
      '-days',
      '1',
      '-extfile',
      `${n}.ext`,
    );
    const cert = join(this.dir, `${n}.pem`);
    const key = join(this.dir, `${n}.key`);
    return { cert, key, certPem: readFileSync(cert), keyPem: readFileSync(key) };
  }

  #ssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

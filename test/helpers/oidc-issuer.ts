import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

// A local OIDC issuer for tests (there is no internet): the discovery document and a JWKS,
// served over HTTPS when given a certificate, and tokens signed with its key. `down` makes
// it answer 503, as an issuer in trouble would.

export class TestIssuer {
  url = '';
  down = false;
  jwksFetches = 0;
  readonly #server: http.Server;
  #keys: Array<{ kid: string; privateKey: CryptoKey; jwk: JWK }> = [];

  constructor(tls?: { cert: Buffer; key: Buffer }) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (this.down) return void res.writeHead(503).end();
      if (req.url === '/.well-known/openid-configuration') {
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/jwks` }));
      }
      if (req.url === '/jwks') {
        this.jwksFetches++;
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.#keys.map((k) => k.jwk) }));
      }
      res.writeHead(404).end();
    };
    this.#server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  }

  async start(): Promise<this> {
    await this.rotateKey();
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    const scheme = this.#server instanceof https.Server ? 'https' : 'http';
    this.url = `${scheme}://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Adds a new signing key (the newest signs); the old ones stay published. */
  async rotateKey(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = `k${this.#keys.length + 1}`;
    this.#keys.unshift({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } });
  }

  /** A token for `sub`; override claims (aud, exp ...) to make bad ones. */
  async token(sub: string, claims: { aud?: string; exp?: number | string; iss?: string; [k: string]: unknown } = {}, key?: CryptoKey): Promise<string> {
    const { aud = 'genrf-collector', exp = '5m', iss = this.url, ...rest } = claims;
    const k = this.#keys[0];
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'ES256', kid: k.kid })
      .setSubject(sub)
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key ?? k.privateKey);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

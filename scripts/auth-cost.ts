// Measures what docs/decisions.md quotes for the authenticators: a bcryptjs compare at cost 10
// and a jose ES256 jwtVerify (`node scripts/auth-cost.ts`).
import { hashSync, compare } from 'bcryptjs';
import { generateKeyPair, SignJWT, jwtVerify, exportJWK, createLocalJWKSet } from 'jose';
const h = hashSync('pw', 10);
let t = performance.now();
for (let i = 0; i < 5; i++) await compare('pw', h);
console.log('bcryptjs compare cost 10 ms', ((performance.now() - t) / 5).toFixed(1));
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' };
const keys = createLocalJWKSet({ keys: [jwk] });
const tok = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setSubject('s').setIssuer('i').setAudience('a').setExpirationTime('1h').sign(privateKey);
for (let i = 0; i < 200; i++) await jwtVerify(tok, keys, { issuer: 'i', audience: 'a' });
t = performance.now();
const n = 3000;
for (let i = 0; i < n; i++) await jwtVerify(tok, keys, { issuer: 'i', audience: 'a' });
console.log('jose jwtVerify ES256 us', (((performance.now() - t) / n) * 1000).toFixed(0));

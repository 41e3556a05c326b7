import { z } from 'zod';
import { isLoopbackHost } from '../../net/endpoint.ts';

// otelcol contrib's oidc extension keys: issuer_url, issuer_ca_path, audience,
// username_claim, attribute.

export const oidcConfig = z.strictObject({
  /** The issuer: its /.well-known/openid-configuration names the JWKS. https (http only on loopback). */
  issuer_url: z.url().refine(
    (u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    },
    { message: 'issuer_url must be https:// (plain http is accepted for a loopback issuer only)' },
  ),
  /** Default: the system's CAs. A PEM CA for the issuer's TLS certificate. */
  issuer_ca_path: z.string().min(1).optional(),
  /** The audience a token must name in `aud` (the client id). */
  audience: z.string().min(1),
  /** Default sub: the claim that names the subject (`include_metadata` puts it on the resource). */
  username_claim: z.string().min(1).default('sub'),
  /** Default authorization: the header (gRPC: metadata key) that carries `Bearer <jwt>`. */
  attribute: z.string().min(1).default('authorization'),
});

export type OidcConfig = z.output<typeof oidcConfig>;

import type { ExtensionFactory } from '../../pipeline/component.ts';
import { oidcConfig, type OidcConfig } from './config.ts';
import { OidcAuth } from './oidc-auth.ts';

export const oidcExtensionFactory: ExtensionFactory<OidcConfig> = {
  kind: 'extension',
  type: 'oidc',
  description: "Authenticates requests to a server by an OIDC JWT (Bearer), checked against the issuer's JWKS.",
  stability: 'beta',
  authenticator: true,
  config: oidcConfig,
  create: (settings, config) => new OidcAuth(settings, config),
};

import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { oidcConfig, type OidcConfig } from './config.ts';

const impl = lazyModule('extension oidc', () => import('./oidc-auth.ts'));

export const oidcExtensionFactory: ExtensionFactory<OidcConfig> = {
  kind: 'extension',
  type: 'oidc',
  description: "Authenticates requests to a server by an OIDC JWT (Bearer), checked against the issuer's JWKS.",
  stability: 'beta',
  authenticator: true,
  config: oidcConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.OidcAuth(settings, config),
};

import type { ExtensionFactory } from '../../pipeline/component.ts';
import { bearerTokenAuthConfig, type BearerTokenAuthConfig } from './config.ts';
import { BearerTokenAuth } from './bearer-token-auth.ts';

export const bearerTokenAuthExtensionFactory: ExtensionFactory<BearerTokenAuthConfig> = {
  kind: 'extension',
  type: 'bearertokenauth',
  description: 'Authenticates requests to a server by a bearer token (inline, from the environment, or from a file reloaded when it changes).',
  stability: 'beta',
  authenticator: true,
  config: bearerTokenAuthConfig,
  create: (settings, config) => new BearerTokenAuth(settings, config),
};

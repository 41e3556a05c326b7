import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { bearerTokenAuthConfig, type BearerTokenAuthConfig } from './config.ts';

const impl = lazyModule('extension bearertokenauth', () => import('./bearer-token-auth.ts'));

export const bearerTokenAuthExtensionFactory: ExtensionFactory<BearerTokenAuthConfig> = {
  kind: 'extension',
  type: 'bearertokenauth',
  description: 'Authenticates requests to a server by a bearer token (inline, from the environment, or from a file reloaded when it changes).',
  stability: 'beta',
  authenticator: true,
  config: bearerTokenAuthConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.BearerTokenAuth(settings, config),
};

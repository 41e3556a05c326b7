import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { basicAuthConfig, type BasicAuthConfig } from './config.ts';

const impl = lazyModule('extension basicauth', () => import('./basic-auth.ts'));

export const basicAuthExtensionFactory: ExtensionFactory<BasicAuthConfig> = {
  kind: 'extension',
  type: 'basicauth',
  description: 'Authenticates requests to a server by HTTP Basic credentials checked against an htpasswd file of bcrypt hashes.',
  stability: 'beta',
  authenticator: true,
  config: basicAuthConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.BasicAuth(settings, config),
};

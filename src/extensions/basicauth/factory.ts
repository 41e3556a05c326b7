import type { ExtensionFactory } from '../../pipeline/component.ts';
import { basicAuthConfig, type BasicAuthConfig } from './config.ts';
import { BasicAuth } from './basic-auth.ts';

export const basicAuthExtensionFactory: ExtensionFactory<BasicAuthConfig> = {
  kind: 'extension',
  type: 'basicauth',
  description: 'Authenticates requests to a server by HTTP Basic credentials checked against an htpasswd file of bcrypt hashes.',
  stability: 'beta',
  authenticator: true,
  config: basicAuthConfig,
  create: (settings, config) => new BasicAuth(settings, config),
};

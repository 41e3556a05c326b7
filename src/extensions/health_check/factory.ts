import type { ExtensionFactory } from '../../pipeline/component.ts';
import { healthCheckConfig, healthCheckListeners, type HealthCheckConfig } from './config.ts';
import { HealthCheckExtension } from './health-check.ts';

export const healthCheckExtensionFactory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  description: "Serves GET /health: the observability guide's JSON with one check per component; 200 when healthy, 503 otherwise.",
  stability: 'beta',
  config: healthCheckConfig,
  create: (settings, config) => new HealthCheckExtension(settings, config),
  listeners: healthCheckListeners,
};

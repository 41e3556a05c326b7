import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { healthCheckConfig, healthCheckListeners, type HealthCheckConfig } from './config.ts';

const impl = lazyModule('extension health_check', () => import('./health-check.ts'));

export const healthCheckExtensionFactory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  description: "Serves GET /health: the observability guide's JSON with one check per component; 200 when healthy, 503 otherwise.",
  stability: 'beta',
  config: healthCheckConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.HealthCheckExtension(settings, config),
  listeners: healthCheckListeners,
};

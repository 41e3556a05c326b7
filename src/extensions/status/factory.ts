import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { statusConfig, statusListeners, type StatusConfig } from './config.ts';

const impl = lazyModule('extension status', () => import('./status.ts'));

export const statusExtensionFactory: ExtensionFactory<StatusConfig> = {
  kind: 'extension',
  type: 'status',
  description: 'A live status page (the pipeline graph with rates, queues, health and last errors, drops, the security proof), `genrf-collector tap` and `POST /reload`.',
  stability: 'alpha',
  config: statusConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.StatusExtension(settings, config),
  listeners: statusListeners,
};

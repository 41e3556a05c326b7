import type { ExtensionFactory } from '../../pipeline/component.ts';
import { statusConfig, statusListeners, type StatusConfig } from './config.ts';
import { StatusExtension } from './status.ts';

export const statusExtensionFactory: ExtensionFactory<StatusConfig> = {
  kind: 'extension',
  type: 'status',
  description: 'A live status page (the pipeline graph with rates, queues, health and last errors, drops, the security proof), `genrf-collector tap` and `POST /reload`.',
  stability: 'alpha',
  config: statusConfig,
  create: (settings, config) => new StatusExtension(settings, config),
  listeners: statusListeners,
};

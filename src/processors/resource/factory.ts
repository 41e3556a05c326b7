import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { resourceProcessorConfig, type ResourceProcessorConfig } from './config.ts';

const impl = lazyModule('processor resource', () => import('./processor.ts'));

export const resourceProcessorFactory: ProcessorFactory<ResourceProcessorConfig> = {
  kind: 'processor',
  type: 'resource',
  description: 'Inserts, updates, deletes, hashes, extracts and converts resource attributes.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: resourceProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.ResourceProcessor(settings, config, signal, next),
};

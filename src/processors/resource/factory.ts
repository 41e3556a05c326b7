import type { ProcessorFactory } from '../../pipeline/component.ts';
import { resourceProcessorConfig, type ResourceProcessorConfig } from './config.ts';
import { ResourceProcessor } from './processor.ts';

export const resourceProcessorFactory: ProcessorFactory<ResourceProcessorConfig> = {
  kind: 'processor',
  type: 'resource',
  description: 'Inserts, updates, deletes, hashes, extracts and converts resource attributes.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: resourceProcessorConfig,
  create: (settings, config, signal, next) => new ResourceProcessor(settings, config, signal, next),
};

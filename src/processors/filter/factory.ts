import type { ProcessorFactory } from '../../pipeline/component.ts';
import { filterProcessorConfig, type FilterProcessorConfig } from './config.ts';
import { FilterProcessor } from './processor.ts';

export const filterProcessorFactory: ProcessorFactory<FilterProcessorConfig> = {
  kind: 'processor',
  type: 'filter',
  description: 'Drops spans, log records, metrics and data points that match conditions (or keeps only those that do).',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: filterProcessorConfig,
  create: (settings, config, signal, next) => new FilterProcessor(settings, config, signal, next),
};

import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { filterProcessorConfig, type FilterProcessorConfig } from './config.ts';

const impl = lazyModule('processor filter', () => import('./processor.ts'));

export const filterProcessorFactory: ProcessorFactory<FilterProcessorConfig> = {
  kind: 'processor',
  type: 'filter',
  description: 'Drops spans, log records, metrics and data points that match conditions (or keeps only those that do).',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: filterProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.FilterProcessor(settings, config, signal, next),
};

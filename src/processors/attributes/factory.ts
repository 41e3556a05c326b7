import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { attributesProcessorConfig, type AttributesProcessorConfig } from './config.ts';

const impl = lazyModule('processor attributes', () => import('./processor.ts'));

export const attributesProcessorFactory: ProcessorFactory<AttributesProcessorConfig> = {
  kind: 'processor',
  type: 'attributes',
  description: 'Inserts, updates, deletes, hashes, extracts and converts attributes of spans, log records and metric data points.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: attributesProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.AttributesProcessor(settings, config, signal, next),
};

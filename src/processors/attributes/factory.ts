import type { ProcessorFactory } from '../../pipeline/component.ts';
import { attributesProcessorConfig, type AttributesProcessorConfig } from './config.ts';
import { AttributesProcessor } from './processor.ts';

export const attributesProcessorFactory: ProcessorFactory<AttributesProcessorConfig> = {
  kind: 'processor',
  type: 'attributes',
  description: 'Inserts, updates, deletes, hashes, extracts and converts attributes of spans, log records and metric data points.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: attributesProcessorConfig,
  create: (settings, config, signal, next) => new AttributesProcessor(settings, config, signal, next),
};

import type { ProcessorFactory } from '../../pipeline/component.ts';
import { batchProcessorConfig, type BatchProcessorConfig } from './config.ts';
import { BatchProcessor } from './processor.ts';

export const batchProcessorFactory: ProcessorFactory<BatchProcessorConfig> = {
  kind: 'processor',
  type: 'batch',
  description: 'Gathers items into batches by size or time; the sender is answered once its items are held (or, with wait_for_export, once its batch is accepted).',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: batchProcessorConfig,
  create: (settings, config, signal, next) => new BatchProcessor(settings, config, signal, next),
};

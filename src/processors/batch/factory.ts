import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { batchProcessorConfig, type BatchProcessorConfig } from './config.ts';

const impl = lazyModule('processor batch', () => import('./processor.ts'));

export const batchProcessorFactory: ProcessorFactory<BatchProcessorConfig> = {
  kind: 'processor',
  type: 'batch',
  description: 'Gathers items into batches by size or time; the sender is answered once its items are held (or, with wait_for_export, once its batch is accepted).',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: batchProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.BatchProcessor(settings, config, signal, next),
};

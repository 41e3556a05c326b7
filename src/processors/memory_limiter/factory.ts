import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { memoryLimiterConfig, type MemoryLimiterConfig } from './config.ts';

const impl = lazyModule('processor memory_limiter', () => import('./processor.ts'));

export const memoryLimiterProcessorFactory: ProcessorFactory<MemoryLimiterConfig> = {
  kind: 'processor',
  type: 'memory_limiter',
  description: 'Refuses data (retryable) while the process uses more memory than the configured limit.',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: memoryLimiterConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.MemoryLimiterProcessor(settings, config, signal, next),
};

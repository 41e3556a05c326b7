import type { ProcessorFactory } from '../../pipeline/component.ts';
import { memoryLimiterConfig, type MemoryLimiterConfig } from './config.ts';
import { MemoryLimiterProcessor } from './processor.ts';

export const memoryLimiterProcessorFactory: ProcessorFactory<MemoryLimiterConfig> = {
  kind: 'processor',
  type: 'memory_limiter',
  description: 'Refuses data (retryable) while the process uses more memory than the configured limit.',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: memoryLimiterConfig,
  create: (settings, config, signal, next) => new MemoryLimiterProcessor(settings, config, signal, next),
};

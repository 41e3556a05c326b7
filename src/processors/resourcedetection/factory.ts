import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { resourceDetectionProcessorConfig, type ResourceDetectionProcessorConfig } from './config.ts';

const impl = lazyModule('processor resourcedetection', () => import('./processor.ts'));

export const resourceDetectionProcessorFactory: ProcessorFactory<ResourceDetectionProcessorConfig> = {
  kind: 'processor',
  type: 'resourcedetection',
  description: 'Adds host, OS, process and Kubernetes pod attributes (detected once at start) to every resource, without overwriting what the sender set.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: resourceDetectionProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.ResourceDetectionProcessor(settings, config, signal, next),
};

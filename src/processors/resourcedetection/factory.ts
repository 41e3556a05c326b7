import type { ProcessorFactory } from '../../pipeline/component.ts';
import { resourceDetectionProcessorConfig, type ResourceDetectionProcessorConfig } from './config.ts';
import { ResourceDetectionProcessor } from './processor.ts';

export const resourceDetectionProcessorFactory: ProcessorFactory<ResourceDetectionProcessorConfig> = {
  kind: 'processor',
  type: 'resourcedetection',
  description: 'Adds host, OS, process and Kubernetes pod attributes (detected once at start) to every resource, without overwriting what the sender set.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: resourceDetectionProcessorConfig,
  create: (settings, config, signal, next) => new ResourceDetectionProcessor(settings, config, signal, next),
};

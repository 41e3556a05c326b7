import type { ProcessorFactory } from '../../pipeline/component.ts';
import { redactionProcessorConfig, type RedactionProcessorConfig } from './config.ts';
import { RedactionProcessor } from './processor.ts';

export const redactionProcessorFactory: ProcessorFactory<RedactionProcessorConfig> = {
  kind: 'processor',
  type: 'redaction',
  description: 'Scrubs PII and secrets (e-mails, IPs, cards, tokens, keys...) from bodies and attributes; fails closed.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: redactionProcessorConfig,
  create: (settings, config, signal, next) => new RedactionProcessor(settings, config, signal, next),
};

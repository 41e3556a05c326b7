import type { ProcessorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { redactionProcessorConfig, type RedactionProcessorConfig } from './config.ts';

const impl = lazyModule('processor redaction', () => import('./processor.ts'));

export const redactionProcessorFactory: ProcessorFactory<RedactionProcessorConfig> = {
  kind: 'processor',
  type: 'redaction',
  description: 'Scrubs PII and secrets (e-mails, IPs, cards, tokens, keys...) from bodies and attributes; fails closed.',
  signals: { traces: 'alpha', metrics: 'alpha', logs: 'alpha' },
  config: redactionProcessorConfig,
  load: impl.load,
  create: (settings, config, signal, next) => new impl.module.RedactionProcessor(settings, config, signal, next),
};

import type { ReceiverFactory } from '../../pipeline/component.ts';
import { otlpReceiverConfig, type OtlpReceiverConfig } from './config.ts';
import { OtlpReceiver } from './receiver.ts';

export const otlpReceiverFactory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  description: 'Receives traces, metrics and logs over OTLP/gRPC and OTLP/HTTP (protobuf or JSON).',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: otlpReceiverConfig,
  create: (settings, config, consumers) => new OtlpReceiver(settings, config, consumers),
};

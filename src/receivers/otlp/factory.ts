import type { ReceiverFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { otlpListeners, otlpReceiverConfig, type OtlpReceiverConfig } from './config.ts';
import { decodeRequest } from './export.ts';

const impl = lazyModule('receiver otlp', () => import('./receiver.ts'));

export const otlpReceiverFactory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  description: 'Receives traces, metrics and logs over OTLP/gRPC and OTLP/HTTP (protobuf or JSON).',
  signals: { traces: 'beta', metrics: 'beta', logs: 'beta' },
  config: otlpReceiverConfig,
  load: impl.load,
  create: (settings, config, consumers) => new impl.module.OtlpReceiver(settings, config, consumers),
  listeners: otlpListeners,
  // One export request body as the receiver decodes it (HTTP and gRPC share the decoding).
  decode: (_config, input) => decodeRequest(input.signal, input.format === 'proto' ? 'proto' : 'json', input.body),
};

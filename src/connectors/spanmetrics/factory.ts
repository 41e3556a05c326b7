import type { ConnectorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { spanMetricsConfig, type SpanMetricsConfig } from './config.ts';

const impl = lazyModule('connector spanmetrics', () => import('./spanmetrics.ts'));

export const spanMetricsConnectorFactory: ConnectorFactory<SpanMetricsConfig> = {
  kind: 'connector',
  type: 'spanmetrics',
  description: 'Traces in, metrics out: a calls counter and a duration histogram per service, span name, kind, status and chosen attributes.',
  pairs: { 'traces>metrics': 'alpha' },
  config: spanMetricsConfig,
  load: impl.load,
  create: (settings, config, _from, _to, next) => new impl.module.SpanMetricsConnector(settings, config, next),
};

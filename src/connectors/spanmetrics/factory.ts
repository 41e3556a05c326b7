import type { ConnectorFactory } from '../../pipeline/component.ts';
import { spanMetricsConfig, type SpanMetricsConfig } from './config.ts';
import { SpanMetricsConnector } from './spanmetrics.ts';

export const spanMetricsConnectorFactory: ConnectorFactory<SpanMetricsConfig> = {
  kind: 'connector',
  type: 'spanmetrics',
  description: 'Traces in, metrics out: a calls counter and a duration histogram per service, span name, kind, status and chosen attributes.',
  pairs: { 'traces>metrics': 'alpha' },
  config: spanMetricsConfig,
  create: (settings, config, _from, _to, next) => new SpanMetricsConnector(settings, config, next),
};

import type { ConnectorFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { routingConfig, type RoutingConfig } from './config.ts';

const impl = lazyModule('connector routing', () => import('./routing.ts'));

export const routingConnectorFactory: ConnectorFactory<RoutingConfig> = {
  kind: 'connector',
  type: 'routing',
  description: 'Sends records to pipelines by scope name, service, resource and record attributes, or severity; the rest to default_pipelines.',
  pairs: { 'traces>traces': 'alpha', 'metrics>metrics': 'alpha', 'logs>logs': 'alpha' },
  config: routingConfig,
  checkPipelines(config, to) {
    const problems: Array<{ path: (string | number)[]; message: string }> = [];
    const check = (p: string, path: (string | number)[]) => {
      if (!to.includes(p)) {
        const fed = to.length > 0 ? `it feeds ${to.join(', ')}` : 'it feeds no pipeline';
        problems.push({ path, message: `routes to pipeline "${p}", which does not list this connector under receivers (${fed}): add it there or fix the name` });
      }
    };
    config.table.forEach((route, i) => route.pipelines.forEach((p, j) => check(p, ['table', i, 'pipelines', j])));
    config.default_pipelines.forEach((p, j) => check(p, ['default_pipelines', j]));
    return problems;
  },
  load: impl.load,
  create: (settings, config, from, _to, next) => new impl.module.RoutingConnector(settings, config, from, next),
};

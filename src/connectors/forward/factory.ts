import { z } from 'zod';
import type { ConnectorFactory, Connector, ConnectorConsumers } from '../../pipeline/component.ts';
import type { Batch } from '../../pdata/batch.ts';

export const forwardConfig = z.strictObject({});
export type ForwardConfig = z.output<typeof forwardConfig>;

/** Passes every batch to all the pipelines it feeds: joins pipelines of one signal. */
class ForwardConnector implements Connector {
  readonly mutates = false;
  readonly #next: ConnectorConsumers;
  constructor(next: ConnectorConsumers) {
    this.#next = next;
  }
  consume(batch: Batch): Promise<void> {
    return this.#next.all.consume(batch);
  }
  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export const forwardConnectorFactory: ConnectorFactory<ForwardConfig> = {
  kind: 'connector',
  type: 'forward',
  description: 'Joins pipelines of the same signal: everything it receives goes to every pipeline it feeds.',
  pairs: { 'traces>traces': 'beta', 'metrics>metrics': 'beta', 'logs>logs': 'beta' },
  config: forwardConfig,
  create: (_settings, _config, _from, _to, next) => new ForwardConnector(next),
};

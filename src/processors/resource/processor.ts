// The resource processor: attribute actions on resource attributes, once per resource (a
// resource stands for every record under it, so this is the cheap way to tag a whole batch).
import type { Batch } from '../../pdata/batch.ts';
import type { Resource, Signal } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import { applyActions } from '../../actions/actions.ts';
import { compileEdits, type Edits } from '../../actions/edits.ts';
import type { ResourceProcessorConfig } from './config.ts';

export class ResourceProcessor implements Processor {
  readonly mutates = true;
  readonly #next: Consumer;
  readonly #edits: Edits;

  constructor(settings: CreateSettings, config: ResourceProcessorConfig, signal: Signal, next: Consumer) {
    this.#next = next;
    // The schema allows resource-level keys only, so this never refuses a key for the signal.
    this.#edits = compileEdits(settings.id.text, signal, config.attributes, config);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    batch.changeResources(this.#apply);
    return this.#next.consume(batch);
  }

  readonly #apply = (resource: Resource): void => {
    const { actions, include, exclude } = this.#edits;
    if (include !== undefined && !include.matchResource(resource)) return;
    if (exclude?.matchResource(resource)) return;
    applyActions(actions, resource.attributes);
  };
}

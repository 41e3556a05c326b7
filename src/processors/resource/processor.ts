// The resource processor: attribute actions on resource attributes, once per resource (a
// resource stands for every record under it, so this is the cheap way to tag a whole batch).
import type { Batch } from '../../pdata/batch.ts';
import type { Resource, Signal } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import type { Condition } from '../../match/condition.ts';
import { applyActions, compileActions, type CompiledAction } from '../../actions/actions.ts';
import { compileSelection } from '../../match/selection.ts';
import type { ResourceProcessorConfig } from './config.ts';

export class ResourceProcessor implements Processor {
  readonly mutates = true;
  readonly #next: Consumer;
  readonly #actions: CompiledAction[];
  readonly #include: Condition | undefined;
  readonly #exclude: Condition | undefined;

  constructor(settings: CreateSettings, config: ResourceProcessorConfig, signal: Signal, next: Consumer) {
    this.#next = next;
    this.#actions = compileActions(config.attributes);
    // The schema allows resource-level keys only, so this never refuses a key for the signal.
    const sel = compileSelection(settings.id.text, signal, config);
    this.#include = sel.include;
    this.#exclude = sel.exclude;
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    batch.changeResources(this.#apply);
    return this.#next.consume(batch);
  }

  readonly #apply = (resource: Resource): void => {
    if (this.#include !== undefined && !this.#include.matchResource(resource)) return;
    if (this.#exclude !== undefined && this.#exclude.matchResource(resource)) return;
    applyActions(this.#actions, resource.attributes);
  };
}

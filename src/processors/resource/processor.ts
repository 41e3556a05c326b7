// The resource processor: attribute actions on resource attributes, once per resource (a
// resource stands for every record under it, so this is the cheap way to tag a whole batch).
import type { Batch } from '../../pdata/batch.ts';
import type { LogsData, MetricsData, Resource, Signal, TracesData } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import { compileCondition, type Condition } from '../../match/condition.ts';
import { applyActions, compileActions, type CompiledAction } from '../attributes/actions.ts';
import type { ResourceProcessorConfig } from './config.ts';

export class ResourceProcessor implements Processor {
  readonly mutates = true;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #actions: CompiledAction[];
  readonly #include: Condition | undefined;
  readonly #exclude: Condition | undefined;

  constructor(_settings: CreateSettings, config: ResourceProcessorConfig, signal: Signal, next: Consumer) {
    this.#signal = signal;
    this.#next = next;
    this.#actions = compileActions(config.attributes);
    this.#include = config.include && compileCondition(config.include);
    this.#exclude = config.exclude && compileCondition(config.exclude);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    const data = batch.mutableData();
    if (this.#signal === 'traces') for (const r of (data as TracesData).resourceSpans) this.#apply(r.resource);
    else if (this.#signal === 'logs') for (const r of (data as LogsData).resourceLogs) this.#apply(r.resource);
    else for (const r of (data as MetricsData).resourceMetrics) this.#apply(r.resource);
    return this.#next.consume(batch);
  }

  #apply(resource: Resource): void {
    if (this.#include !== undefined && !this.#include.matchResource(resource)) return;
    if (this.#exclude !== undefined && this.#exclude.matchResource(resource)) return;
    applyActions(this.#actions, resource.attributes);
  }
}

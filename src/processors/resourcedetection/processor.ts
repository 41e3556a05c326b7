// The resourcedetection processor: adds what the daemon knows about where it runs (host,
// process, Kubernetes pod) to every resource. Detection happens once, at construction;
// per batch only the precomputed attributes are copied into each resource.
import type { Batch } from '../../pdata/batch.ts';
import type { KeyValue, Resource, Signal } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import { cloneAnyValue } from '../../pdata/clone.ts';
import { attributeIndex } from '../../match/value.ts';
import type { ResourceDetectionProcessorConfig } from './config.ts';
import { detect, processSource, type DetectionSource } from './detect.ts';

export class ResourceDetectionProcessor implements Processor {
  readonly mutates = true;
  readonly #next: Consumer;
  readonly #override: boolean;
  readonly #detected: readonly KeyValue[];

  constructor(settings: CreateSettings, config: ResourceDetectionProcessorConfig, _signal: Signal, next: Consumer, source: DetectionSource = processSource()) {
    this.#next = next;
    this.#override = config.override;
    const { attributes, warnings } = detect(config.detectors, source);
    for (const w of warnings) settings.logger.warn(`${settings.id.text}: ${w}`);
    this.#detected = attributes;
  }

  /** What was detected, for tests and the debug log. */
  get detected(): readonly KeyValue[] {
    return this.#detected;
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    if (this.#detected.length === 0) return this.#next.consume(batch);
    batch.changeResources(this.#apply);
    return this.#next.consume(batch);
  }

  readonly #apply = (resource: Resource): void => {
    const attrs = resource.attributes;
    const detected = this.#detected;
    for (let i = 0; i < detected.length; i++) {
      const d = detected[i];
      const at = attributeIndex(attrs, d.key);
      // Each resource gets its own value object, so later processors can change it safely.
      if (at < 0) attrs.push({ key: d.key, value: cloneAnyValue(d.value) });
      else if (this.#override) attrs[at].value = cloneAnyValue(d.value);
    }
  };
}

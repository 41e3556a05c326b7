// Builds a redaction processor with a recording next consumer, for the unit tests.
import { Batch } from '../../../../src/pdata/batch.ts';
import type { Signal } from '../../../../src/pdata/types.ts';
import type { Consumer } from '../../../../src/pipeline/consumer.ts';
import { redactionProcessorConfig } from '../../../../src/processors/redaction/config.ts';
import { RedactionProcessor } from '../../../../src/processors/redaction/processor.ts';
import { testSettings } from '../../receivers/otlp/helpers.ts';

export const KEY = 'unit-test-key-0123456789abcdef';

export class Next implements Consumer {
  readonly mutates = false;
  readonly batches: Batch[] = [];
  async consume(batch: Batch): Promise<void> {
    this.batches.push(batch);
  }
}

export function make(options: Record<string, unknown> = {}, signal: Signal = 'logs', env: NodeJS.ProcessEnv = { GENRF_REDACTION_KEY: KEY }) {
  const settings = testSettings('redaction/pii');
  const next = new Next();
  const p = new RedactionProcessor(settings, redactionProcessorConfig.parse(options), signal, next, env);
  return { p, next, settings };
}

/** JSON with bigints as strings. */
export function json(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export { Batch };

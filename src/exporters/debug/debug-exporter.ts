import type { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter } from '../../pipeline/component.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { DebugExporterConfig } from './config.ts';
import { formatBatch } from './format.ts';

/**
 * Prints batches for a person to read. Sampling has otelcol's meaning: in each second the
 * first `sampling_initial` batches are printed, then every `sampling_thereafter`th.
 */
class DebugSender implements Sender {
  readonly #id: string;
  readonly #config: DebugExporterConfig;
  readonly #out: NodeJS.WritableStream;
  #windowStart = 0;
  #inWindow = 0;

  constructor(id: string, config: DebugExporterConfig, out: NodeJS.WritableStream) {
    this.#id = id;
    this.#config = config;
    this.#out = out;
  }

  async send(batch: Batch, signal: Signal): Promise<void> {
    if (!this.#sampled()) return;
    this.#out.write(formatBatch(signal, batch.data, batch.items, this.#config.verbosity, this.#id));
  }

  #sampled(): boolean {
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    const n = ++this.#inWindow;
    const initial = this.#config.sampling_initial;
    return n <= initial || (n - initial) % this.#config.sampling_thereafter === 0;
  }
}

/** `out` is stderr except in tests. */
export function createDebugExporter(settings: CreateSettings, config: DebugExporterConfig, signal: Signal, out: NodeJS.WritableStream = process.stderr): Exporter {
  return createQueuedExporter(settings, signal, config, new DebugSender(settings.id.text, config, out));
}

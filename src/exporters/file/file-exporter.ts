import type { Batch } from '../../pdata/batch.ts';
import { encodeJson, encodeJsonFromProto } from '../../pdata/json/index.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health } from '../../pipeline/component.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import type { FileExporterConfig } from './config.ts';
import type { LineOwner } from './rotating-writer.ts';
import { acquireWriter, type WriterLease } from './shared-writers.ts';

const MIB = 1024 * 1024;

/**
 * Appends each batch as one line of OTLP JSON (an Export*ServiceRequest), the format of
 * the Collector's file exporter, so the files can be replayed or read by otelcol tools.
 */
class FileSender implements Sender, LineOwner {
  readonly #settings: CreateSettings;
  readonly #signal: Signal;
  readonly #config: FileExporterConfig;
  #lease: WriterLease | undefined;

  constructor(settings: CreateSettings, signal: Signal, config: FileExporterConfig) {
    this.#settings = settings;
    this.#signal = signal;
    this.#config = config;
  }

  async start(): Promise<void> {
    const r = this.#config.rotation;
    this.#lease = await acquireWriter(
      this.#config.path,
      {
        rotation: r === undefined ? undefined : { maxBytes: Math.round(r.max_megabytes * MIB), maxBackups: r.max_backups },
        flushIntervalMs: this.#config.flush_interval,
      },
      `exporter ${this.#settings.id.text}`,
    );
  }

  async send(batch: Batch, signal: Signal): Promise<void> {
    if (this.#lease === undefined) throw new Error(`exporter ${this.#settings.id.text} was not started`);
    const writer = this.#lease.writer;
    // Refused before encoding while the file cannot be written: a retried batch is encoded once.
    if (writer.error !== undefined) await writer.ready();
    // Bytes that nothing decoded are decoded here once, a resource at a time (the decoded
    // objects are not needed after their line). The line is encoded to bytes once, by the
    // writer, and written with the others in one write per flush.
    const json = batch.decoded ? encodeJson(signal, batch.data) : encodeJsonFromProto(signal, batch.toProto());
    return writer.append(json + '\n', batch.items, this);
  }

  /** Called by the writer for lines it still could not write when it closed. */
  lost(items: number, error: string): void {
    const id = this.#settings.id.text;
    this.#settings.metrics.dropped(`exporter/${id}`, this.#signal, 'write_failed', items);
    this.#settings.metrics.exporter(id, this.#signal).sendFailed(items);
    this.#settings.logger.error({ exporter: id, reason: 'write_failed', items }, `exporter ${id} lost ${items} ${this.#signal} items: ${error}`);
  }

  async shutdown(): Promise<void> {
    await this.#lease?.release();
    this.#lease = undefined;
  }

  health(): Health {
    const error = this.#lease?.writer.error;
    return error === undefined ? { healthy: true } : { healthy: false, message: `cannot write ${this.#config.path}: ${error}` };
  }
}

export function createFileExporter(settings: CreateSettings, config: FileExporterConfig, signal: Signal): Exporter {
  return createQueuedExporter(settings, signal, config, new FileSender(settings, signal, config));
}

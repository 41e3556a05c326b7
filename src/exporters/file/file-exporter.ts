import type { Batch } from '../../pdata/batch.ts';
import { encodeJsonLine, encodeJsonLineFromProto } from '../../pdata/json/index.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health } from '../../pipeline/component.ts';
import { createQueuedExporter, type Sender } from '../helper/queued-exporter.ts';
import { ExportError } from '../../net/export-error.ts';
import type { FileExporterConfig } from './config.ts';
import type { LineOwner } from './rotating-writer.ts';
import { acquireEncoder, type EncoderLease } from './encoder-pool.ts';
import { acquireWriter, type WriterLease } from './shared-writers.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const MIB = 1024 * 1024;

/** A send waiting for its line, or for the lines of earlier sends, before it is appended. */
interface Pending {
  line: string | Buffer | undefined;
  error: unknown;
  done: boolean;
  /** Its send gave up (deadline): the line is not written, the batch is sent again. */
  cancelled: boolean;
  /** Handed to the writer: from here the send waits for the append, whatever the deadline. */
  taken: boolean;
  items: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends each batch as one line of OTLP JSON (an Export*ServiceRequest), the format of
 * the Collector's file exporter, so the files can be replayed or read by otelcol tools.
 */
class FileSender implements Sender, LineOwner {
  readonly #settings: CreateSettings;
  readonly #signal: Signal;
  readonly #config: FileExporterConfig;
  #lease: WriterLease | undefined;
  #encoder: EncoderLease | undefined;
  // Lines are appended in the order of the send calls, though encoder threads answer in any
  // order: a send's line waits here until every earlier one was appended. Bounded by the
  // helper's num_consumers (sends in flight).
  readonly #fifo: Pending[] = [];
  /**
   * With a persistent sending queue a batch is acknowledged in the log once its send
   * resolves, so a send resolves only once its line is written to the file (not just
   * buffered): a kill -9 then loses nothing that left the queue.
   */
  readonly #writeThrough: boolean;

  constructor(settings: CreateSettings, signal: Signal, config: FileExporterConfig) {
    this.#settings = settings;
    this.#signal = signal;
    this.#config = config;
    this.#writeThrough = config.sending_queue.enabled && config.sending_queue.storage !== undefined;
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
    if (this.#config.encoder_threads > 0) {
      try {
        this.#encoder = await acquireEncoder(this.#config.encoder_threads, this.#settings.logger, `exporter ${this.#settings.id.text}`);
      } catch (err) {
        await this.#lease.release();
        this.#lease = undefined;
        throw err;
      }
    }
  }

  async send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    if (!this.#writeThrough) return this.#send(batch, signal, deadline);
    await this.#send(batch, signal, deadline);
    const writer = this.#lease?.writer;
    if (writer === undefined) throw new Error(`exporter ${this.#settings.id.text} was shut down`);
    await writer.flush();
    if (writer.error !== undefined) throw ExportError.retryable(`cannot write ${this.#config.path}: ${writer.error}`);
  }

  async #send(batch: Batch, signal: Signal, deadline: AbortSignal): Promise<void> {
    if (this.#lease === undefined) throw new Error(`exporter ${this.#settings.id.text} was not started`);
    const writer = this.#lease.writer;
    // Refused before encoding while the file cannot be written: a retried batch is encoded once.
    if (writer.error !== undefined) await writer.ready();
    const encoder = this.#encoder;
    if (encoder === undefined || batch.decoded || batch.items < this.#config.encoder_min_items) {
      // Decoded data is encoded here: posting it to a thread would cost a structured clone;
      // so are small batches (encoder_min_items: the hand-over costs more than it saves).
      // Bytes that nothing decoded, with no encoder thread, are decoded here a resource at a
      // time (the decoded objects are not needed after their line).
      const line = batch.decoded ? encodeJsonLine(signal, batch.data) : encodeJsonLineFromProto(signal, batch.toProto());
      if (this.#fifo.length === 0) return writer.append(line, batch.items, this);
      return this.#queue(batch.items, deadline, line);
    }
    // Bytes that nothing decoded go to an encoder thread, which answers with the line's UTF-8.
    const pending = this.#queue(batch.items, deadline, undefined);
    const entry = this.#fifo.at(-1)!;
    encoder.encode(signal, batch.toProto(), deadline).then(
      (line) => {
        entry.line = line;
        entry.done = true;
        this.#drain();
      },
      (err: unknown) => {
        entry.error = err;
        entry.done = true;
        this.#drain();
      },
    );
    return pending;
  }

  /** Queues a send's line (undefined: still being encoded) behind the earlier ones. */
  #queue(items: number, deadline: AbortSignal, line: string | Buffer | undefined): Promise<void> {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const entry: Pending = { line, error: undefined, done: line !== undefined, cancelled: false, taken: false, items, resolve, reject };
    this.#fifo.push(entry);
    const onAbort = () => {
      if (entry.taken) return;
      entry.cancelled = true;
      reject(deadline.reason);
    };
    if (deadline.aborted) onAbort();
    else {
      deadline.addEventListener('abort', onAbort, { once: true });
      void promise.then(
        () => deadline.removeEventListener('abort', onAbort),
        () => deadline.removeEventListener('abort', onAbort),
      );
    }
    this.#drain();
    return promise;
  }

  /** Appends the lines at the head of the FIFO that are ready, in order. */
  #drain(): void {
    const fifo = this.#fifo;
    const writer = this.#lease?.writer;
    while (fifo.length > 0 && fifo[0].done) {
      const e = fifo.shift()!;
      if (e.cancelled) continue;
      e.taken = true;
      if (e.error !== undefined) e.reject(e.error);
      else if (writer === undefined) e.reject(new Error(`exporter ${this.#settings.id.text} was shut down`));
      else writer.append(e.line!, e.items, this).then(e.resolve, e.reject);
    }
  }

  /** Called by the writer for lines it still could not write when it closed. */
  lost(items: number, error: string): void {
    const id = this.#settings.id.text;
    this.#settings.metrics.dropped(`exporter/${id}`, this.#signal, Reason.write_failed, items);
    this.#settings.metrics.exporter(id, this.#signal).sendFailed(items);
    this.#settings.logger.error({ exporter: id, reason: Reason.write_failed, items }, `exporter ${id} lost ${items} ${this.#signal} items: ${error}`);
  }

  async shutdown(): Promise<void> {
    // The helper stopped sending: nothing is waiting for a thread.
    await this.#encoder?.release();
    this.#encoder = undefined;
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

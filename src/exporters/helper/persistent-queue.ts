// The sending queue on disk (`sending_queue.storage`). A batch is appended to the storage
// extension's log before the caller is answered, kept in memory for the workers as well
// (up to MEMORY_BYTES; beyond, read back from disk when its turn comes), and acknowledged in
// the log once delivered or given up for good. After a crash the
// unacknowledged records are read back and sent first, in order, before anything new.
//
// Consecutive queued batches are merged on the way out (up to MERGE_MAX_ITEMS items), by
// concatenating their protobuf encodings, so an exporter behind a pass-through batch
// processor still sends large requests.
import { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Host } from '../../pipeline/component.ts';
import type { RecordLog, RecordRef } from '../../pipeline/storage.ts';
import { isStorageExtension, StorageFullError } from '../../pipeline/storage.ts';
import { ConsumerError } from '../../pipeline/consumer.ts';
import { RingQueue } from './ring-queue.ts';
import type { SendQueue, Taken } from './send-queue.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

/** Most items merged into one send from consecutive queued batches. */
export const MERGE_MAX_ITEMS = 8192;
/** Most batches merged into one send. */
const MERGE_MAX_BATCHES = 256;
/**
 * Encoded bytes of queued batches kept in memory as well as on disk; past it, batches are
 * only on disk and read back when their turn comes, so a long outage costs disk, not memory.
 */
export const MEMORY_BYTES = 32 * 1024 * 1024;
const REFUSAL_RETRY_AFTER_MS = 1000;

interface Entry {
  ref: RecordRef;
  items: number;
  /** Held in memory (appended in this run, within MEMORY_BYTES); else read back from the log. */
  batch: Batch | undefined;
  /** Bytes held in memory for it (0 when only on disk). */
  bytes: number;
  /** Left by an earlier run. */
  recovered: boolean;
}

export interface PersistentQueueOptions {
  signal: Signal;
  queueSize: number;
  byItems: boolean;
  /** Who we are, for messages: `exporter file/security (logs)`. */
  who: string;
  full: ConsumerError;
  onFull(items: number): void;
  /** A recovered record could not be read back (the file changed under us): dropped and counted. */
  onUnreadable(items: number, err: Error): void;
  /** The log refused appends (disk full, I/O error): once when it starts, and once when it ends (undefined). */
  onStorageDown(err: Error | undefined): void;
}

/**
 * Finds the storage extension named by `sending_queue.storage`, opens the exporter's log in
 * it and wraps it in a queue whose drops and outages are logged and counted.
 */
export async function openPersistentQueue(
  host: Host,
  storage: string,
  o: { settings: CreateSettings; signal: Signal; queueSize: number; byItems: boolean; full: ConsumerError; onFull(items: number): void },
): Promise<PersistentQueue> {
  const { settings, signal } = o;
  const id = settings.id.text;
  const ext = host.extension?.(storage);
  if (!isStorageExtension(ext)) {
    throw new Error(
      `exporter ${id}: sending_queue.storage "${storage}" is not a storage extension that is running: ` + 'configure a file_storage extension under extensions and list it in service.extensions',
    );
  }
  const log = await ext.openLog(`exporter/${id}@${signal}`);
  const logger = settings.logger;
  return new PersistentQueue(log, {
    signal,
    queueSize: o.queueSize,
    byItems: o.byItems,
    who: `exporter ${id} (${signal})`,
    full: o.full,
    onFull: o.onFull,
    onUnreadable: (items, err) => {
      settings.metrics.exporter(id, signal).sendFailed(items);
      settings.metrics.dropped(`exporter/${id}`, signal, Reason.storage_corrupt, items);
      logger.warn({ exporter: id, signal, reason: Reason.storage_corrupt, items, error: err.message }, `exporter ${id} dropped ${items} ${signal} items: ${err.message}`);
    },
    onStorageDown: (err) => {
      if (err === undefined) logger.info({ exporter: id, signal }, `exporter ${id}: the persistent queue takes data again`);
      else {
        logger.warn({ exporter: id, signal, error: err.message }, `exporter ${id}: the persistent queue cannot take data (${err.message}); new data is refused with a retryable status until it can`);
      }
    },
  });
}

export class PersistentQueue implements SendQueue {
  readonly #log: RecordLog;
  readonly #o: PersistentQueueOptions;
  readonly #ring = new RingQueue<Entry>(Number.MAX_SAFE_INTEGER);
  /** Queued plus being appended, in the sizer's unit. */
  #size = 0;
  /** Items recovered from earlier runs not yet handed to a worker ("replaying N"). */
  #replaying = 0;
  readonly #storageFull: ConsumerError;
  /** The error of the last refused append, until an append succeeds again. */
  #down: Error | undefined;
  /** Encoded bytes of the queued batches held in memory. */
  #memBytes = 0;

  constructor(log: RecordLog, o: PersistentQueueOptions) {
    this.#log = log;
    this.#o = o;
    for (const r of log.recovery.records) {
      this.#ring.push({ ref: r, items: r.tag, batch: undefined, bytes: 0, recovered: true });
      this.#size += o.byItems ? r.tag : 1;
      this.#replaying += r.tag;
    }
    this.#storageFull = ConsumerError.retryable(
      Reason.storage_full,
      `${o.who}: the persistent queue's storage is full; retry later, or raise the file_storage max_size_mib / free disk space`,
      REFUSAL_RETRY_AFTER_MS,
    );
  }

  get size(): number {
    return this.#size;
  }

  get capacity(): number {
    return this.#o.queueSize;
  }

  get empty(): boolean {
    return this.#ring.size === 0;
  }

  /** Items left from earlier runs and not delivered yet (or given up). */
  get replaying(): number {
    return this.#replaying;
  }

  async offer(batch: Batch): Promise<void> {
    const items = batch.items;
    if (items === 0) return;
    const units = this.#o.byItems ? items : 1;
    if (this.#size > 0 && this.#size + units > this.#o.queueSize) {
      this.#o.onFull(items);
      throw this.#o.full;
    }
    this.#size += units;
    let ref: RecordRef;
    const proto = batch.toProto();
    try {
      ref = await this.#log.append(proto, items);
    } catch (err) {
      this.#size -= units;
      this.#o.onFull(items);
      if (this.#down === undefined) this.#o.onStorageDown(err as Error);
      this.#down = err as Error;
      if (err instanceof StorageFullError)
        throw new ConsumerError(`${this.#storageFull.message} (${err.message})`, { retryable: true, reason: Reason.storage_full, retryAfterMs: REFUSAL_RETRY_AFTER_MS, cause: err });
      throw new ConsumerError(`${this.#o.who}: ${(err as Error).message}; retry later`, { retryable: true, reason: Reason.storage_error, retryAfterMs: REFUSAL_RETRY_AFTER_MS, cause: err });
    }
    if (this.#down !== undefined) {
      this.#down = undefined;
      this.#o.onStorageDown(undefined);
    }
    const keep = this.#memBytes + proto.length <= MEMORY_BYTES;
    if (keep) this.#memBytes += proto.length;
    this.#ring.push({ ref, items, batch: keep ? batch : undefined, bytes: keep ? proto.length : 0, recovered: false });
  }

  /** Why appends are refused, while they are. */
  get storageError(): Error | undefined {
    return this.#down;
  }

  async take(): Promise<Taken | undefined> {
    for (;;) {
      const head = this.#ring.shift();
      if (head === undefined) return undefined;
      const group = [head];
      let items = head.items;
      for (let next = this.#ring.peek(); next !== undefined && group.length < MERGE_MAX_BATCHES && items + next.items <= MERGE_MAX_ITEMS; next = this.#ring.peek()) {
        group.push(this.#ring.shift()!);
        items += next.items;
      }
      let replayed = 0;
      for (const e of group) {
        this.#taken(e);
        if (e.recovered) replayed += e.items;
      }
      const protos: Uint8Array[] = [];
      const refs: RecordRef[] = [];
      // [end offset, items] of each request, so that a merged send that cannot be encoded is
      // handed on request by request and only the bad one is dropped (Batch.sources).
      const bounds: number[] = [];
      let end = 0;
      for (const e of group) {
        try {
          const proto = e.batch !== undefined ? e.batch.toProto() : await this.#log.read(e.ref);
          protos.push(proto);
          refs.push(e.ref);
          end += proto.length;
          bounds.push(end, e.items);
        } catch (err) {
          this.#log.ack(e.ref);
          items -= e.items;
          if (e.recovered) {
            replayed -= e.items;
            this.#replaying -= e.items;
          }
          this.#o.onUnreadable(e.items, err as Error);
        }
      }
      if (refs.length === 0) continue;
      const batch =
        group.length === 1 && group[0].batch !== undefined
          ? group[0].batch
          : protos.length === 1
            ? Batch.fromProto(this.#o.signal, protos[0], items)
            : Batch.merged(this.#o.signal, Buffer.concat(protos), items, bounds);
      return {
        batch,
        items,
        done: () => {
          for (const r of refs) this.#log.ack(r);
          this.#replaying -= replayed;
        },
      };
    }
  }

  drainLeft(): { batches: number; items: number; kept: boolean } {
    // Nothing is given up: what is left stays in the log for the next run.
    const left = this.#ring.drain((e) => e.items);
    this.#size = 0;
    this.#memBytes = 0;
    return { ...left, kept: true };
  }

  close(): Promise<void> {
    return this.#log.close();
  }

  #taken(e: Entry): void {
    this.#size -= this.#o.byItems ? e.items : 1;
    this.#memBytes -= e.bytes;
  }
}

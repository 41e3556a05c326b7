// The contract between a storage extension (file_storage) and the components that keep
// data in it (the exporter helper's persistent sending queue). The engine knows only this
// shape: a component finds the extension through `host.extension(id)` and checks it with
// `isStorageExtension`.

/** Where a record lies in the log, to read it back. Opaque to the component. */
export interface RecordRef {
  readonly seq: number;
}

/** A record left unacknowledged by an earlier run, in the order it was appended. */
export interface RecoveredRecord extends RecordRef {
  /** What the component stored beside the payload when it appended it (an item count). */
  readonly tag: number;
}

/** What opening a log found: the records to replay, and what could not be recovered. */
export interface Recovery {
  readonly records: readonly RecoveredRecord[];
  /** Records cut short by a crash mid-write (a torn tail), skipped. */
  readonly torn: number;
  /** Damaged regions found in the middle of a segment, skipped; the segment was moved aside. */
  readonly corrupt: number;
}

/**
 * An append-only log of records owned by one component. Appends are acknowledged (the
 * promise resolves) only once the record is as durable as the extension's fsync policy
 * promises; records stay until the component acknowledges them with `ack`.
 */
export interface RecordLog {
  /** Set once the log is open: what the previous runs left. */
  readonly recovery: Recovery;
  /**
   * Appends one record. Resolves with its ref once written (and synced, with fsync: always).
   * Rejects with a StorageFullError when the storage is at its size bound or the disk is
   * full (nothing was stored: the caller refuses its data with a retryable status), or with
   * another Error when the disk failed.
   */
  append(payload: Uint8Array, tag: number): Promise<RecordRef>;
  /** Reads back a record's payload (a recovered one, or one the caller no longer holds). */
  read(ref: RecordRef): Promise<Uint8Array>;
  /** The record was delivered or given up for good: it need never be read again. */
  ack(ref: RecordRef): void;
  /** Writes out pending acknowledgements, syncs, and closes; unacknowledged records stay for the next run. */
  close(): Promise<void>;
}

/** A refusal because the storage is full: retry later (HTTP 429 / RESOURCE_EXHAUSTED). */
export class StorageFullError extends Error {
  readonly code = 'STORAGE_FULL';
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'StorageFullError';
  }
}

/** An extension that keeps records on disk for components, one log per owner. */
export interface StorageExtension {
  readonly storage: true;
  /**
   * Opens (creating or recovering) the log of `owner`, e.g. `exporter/file/security@logs`.
   * One owner opens its log once per run; close it before opening it again.
   */
  openLog(owner: string): Promise<RecordLog>;
}

export function isStorageExtension(x: unknown): x is StorageExtension {
  return typeof x === 'object' && x !== null && (x as { storage?: unknown }).storage === true && typeof (x as { openLog?: unknown }).openLog === 'function';
}

import { access, constants, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateSettings, Extension, Health } from '../../pipeline/component.ts';
import type { RecordLog, StorageExtension } from '../../pipeline/storage.ts';
import type { FileStorageConfig } from './config.ts';
import { CORRUPT_DIR } from './recover.ts';
import { Budget, SegmentLog } from './segment-log.ts';

const MIB = 1024 * 1024;
const LOCK = 'LOCK';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The file_storage extension: a directory of append-only queues, one per owner (an
 * exporter's persistent sending queue), within one disk budget (`max_size_mib`). It owns the
 * fsync policy: with `interval` it syncs every open queue every `fsync_interval`.
 */
export class FileStorageExtension implements Extension, StorageExtension {
  readonly storage = true as const;
  readonly #settings: CreateSettings;
  readonly #config: FileStorageConfig;
  readonly #budget: Budget;
  readonly #logs = new Map<string, SegmentLog>();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  /** What start-up found and moved aside, shown on /health until the next start. */
  #note: string | undefined;

  constructor(settings: CreateSettings, config: FileStorageConfig) {
    this.#settings = settings;
    this.#config = config;
    this.#budget = new Budget(Math.floor(config.max_size_mib * MIB));
  }

  async start(): Promise<void> {
    const dir = this.#config.directory;
    try {
      if (this.#config.create_directory) await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK | constants.R_OK);
    } catch (err) {
      throw new Error(`file_storage directory ${dir} cannot be used: ${(err as Error).message}; create it or give one the daemon may write to`, { cause: err });
    }
    await this.#lock(dir);
    if (this.#config.fsync === 'interval') {
      this.#timer = setInterval(() => void this.#syncAll(), this.#config.fsync_interval);
    }
    this.#started = true;
  }

  async openLog(owner: string): Promise<RecordLog> {
    if (!this.#started) throw new Error(`extension ${this.#settings.id.text} is not started`);
    if (this.#logs.has(owner)) throw new Error(`the storage of ${owner} is already open`);
    const dir = join(this.#config.directory, dirName(owner));
    const c = this.#config;
    const log = await SegmentLog.open(dir, {
      owner,
      fsync: c.fsync,
      segmentBytes: Math.floor(c.segment_size_mib * MIB),
      budget: this.#budget,
      compactOnStart: c.compaction.on_start,
      ratio: c.compaction.ratio,
      onClose: () => this.#logs.delete(owner),
    });
    this.#logs.set(owner, log);
    this.#report(owner, dir, log);
    return log;
  }

  health(): Health {
    return this.#note === undefined ? { healthy: true } : { healthy: true, message: this.#note };
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    // Owners close their logs when they stop; close any left open (an owner that failed).
    for (const log of [...this.#logs.values()]) await log.close();
    if (this.#started) await unlink(join(this.#config.directory, LOCK)).catch(() => {});
    this.#started = false;
  }

  /**
   * One daemon per directory: two would send the same records. The lock names the pid that
   * holds it; one left by a process that is gone (a kill -9) is taken over.
   */
  async #lock(dir: string): Promise<void> {
    const path = join(dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`file_storage directory ${dir} is in use by another daemon (pid ${pid}, ${path}); give each daemon a directory of its own`);
      }
      await unlink(path).catch(() => {});
    }
    throw new Error(`file_storage directory ${dir}: cannot take the lock ${path}`);
  }

  async #syncAll(): Promise<void> {
    for (const log of this.#logs.values()) await log.sync();
  }

  /** What opening found: one info line, and a warning for anything lost or moved aside. */
  #report(owner: string, dir: string, log: SegmentLog): void {
    const { records, torn, corrupt } = log.recovery;
    const logger = this.#settings.logger;
    const fields = { owner, directory: dir, records: records.length, bytes: log.bytes, torn, corrupt, compacted: log.compacted };
    // One line per queue at every start: what the previous run left, and what was lost.
    logger.info(
      fields,
      records.length > 0
        ? `file_storage: ${owner} has ${records.length} unsent records from an earlier run (${torn} torn, ${corrupt} damaged); they are sent first`
        : `file_storage: ${owner} opened in ${dir}: nothing left from an earlier run (${torn} torn, ${corrupt} damaged)`,
    );
    if (torn > 0) {
      this.#settings.metrics.storageRecordsSkipped(this.#settings.id.text, 'torn', torn);
      logger.warn(fields, `file_storage: ${owner}: ${torn} torn record(s) at the end of a segment (a crash while writing, before the sender was answered) skipped`);
    }
    if (corrupt > 0) {
      this.#settings.metrics.storageRecordsSkipped(this.#settings.id.text, 'corrupt', corrupt);
      this.#note = `${owner}: ${corrupt} damaged region(s) skipped; segment(s) moved to ${join(dir, CORRUPT_DIR)}`;
      logger.warn(
        { ...fields, moved: log.movedAside },
        `file_storage: ${owner}: ${corrupt} damaged region(s) in the middle of a segment skipped; ` +
          `the good records were kept and the damaged file moved aside to ${log.movedAside.join(', ')} for inspection`,
      );
    }
  }
}

/** A directory name for an owner id: `exporter/file/security@logs` -> `exporter_file%2Fsecurity_logs`. */
export function dirName(owner: string): string {
  return owner
    .replace(/^([a-z]+)\//, '$1_')
    .replace('@', '_')
    .replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

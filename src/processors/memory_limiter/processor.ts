// The memory_limiter processor: refuses data while the process uses too much memory, so
// that senders back off (HTTP 429 / gRPC RESOURCE_EXHAUSTED) instead of the daemon being
// killed. Memory is sampled on a timer, never per batch: a batch only reads a boolean.
//
// V8 frees nothing until it collects, and with a large heap it collects late: refusing data
// alone does not bring RSS down, garbage keeps it above the soft limit, and the limiter went on
// refusing for 30 s and more after everything it held had been sent. So at or above the soft
// limit every check forces a full collection first and decides on what is left: data is
// refused only while live memory is above the soft limit, and taken again at the first check
// after it dropped. GC is forced through V8's own `gc` (exposed at run time when node was not
// started with --expose-gc).
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Logger } from 'pino';
import type { Batch } from '../../pdata/batch.ts';
import type { Signal } from '../../pdata/types.ts';
import type { CreateSettings, Health, Processor } from '../../pipeline/component.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import { computeLimits, type MemoryLimiterConfig } from './config.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

const MIB = 1024 * 1024;

export interface MemoryLimiterOptions {
  /** Reads memory in use, in bytes. Default: the process's RSS. */
  readMemory?: () => number;
  /** Memory available, in bytes, for limit_percentage. Default: cgroup limit or total memory. */
  availableMemory?: number;
  /**
   * Memory in use after a collection, in bytes, when RSS may hold freed memory. Default: V8's
   * heap and the memory of Buffers, plus what the process held besides them at start (code,
   * stacks); with readMemory given, readMemory.
   */
  readLive?: () => number;
  /** Runs a full garbage collection. Default: V8's gc (global.gc, or exposed at run time). */
  gc?: () => void;
}

/** The cgroup memory limit when there is one (Node reads it), else the machine's total. */
export function availableMemory(): number {
  const total = os.totalmem();
  const constrained = process.constrainedMemory();
  return constrained > 0 && constrained < total ? constrained : total;
}

export class MemoryLimiterProcessor implements Processor {
  readonly mutates = false;
  readonly #id: string;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #logger: Logger;
  readonly #interval: number;
  readonly #hard: number;
  readonly #soft: number;
  readonly #read: () => number;
  readonly #readLive: () => number;
  readonly #gc: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #refusing = false;
  #usage = 0;
  /** The last RSS read. */
  #rss = 0;
  /** RSS right after the last forced collection while at or above the soft limit. */
  #collectedRss: number | undefined;
  /** Memory in use found by that collection. */
  #liveAfterCollection = 0;
  readonly #spike: number;
  #gcMissingLogged = false;

  constructor(settings: CreateSettings, config: MemoryLimiterConfig, signal: Signal, next: Consumer, opts: MemoryLimiterOptions = {}) {
    this.#id = settings.id.text;
    this.#signal = signal;
    this.#next = next;
    this.#logger = settings.logger;
    this.#interval = config.check_interval;
    const limits = computeLimits(config, opts.availableMemory ?? availableMemory());
    this.#hard = limits.hard;
    this.#soft = limits.soft;
    this.#spike = limits.hard - limits.soft;
    this.#read = opts.readMemory ?? process.memoryUsage.rss;
    this.#readLive = opts.readLive ?? opts.readMemory ?? liveReader();
    this.#gc = opts.gc ?? defaultGc();
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.check();
    this.#schedule();
  }

  /**
   * The next check in check_interval. While refusing, in half of it, so that data is taken
   * again within one check_interval of memory dropping even when a timer fires late on a busy
   * machine or one reading still counts Buffers V8 frees in the background after a collection.
   * Within a spike of the soft limit or above it while taking data, in a quarter of it (most
   * such checks only read RSS), so that a flood overshoots by a quarter interval's worth.
   */
  #schedule(): void {
    if (this.#stopped) return;
    const near = this.#rss >= this.#soft - this.#spike;
    const wait = this.#refusing ? this.#interval / 2 : near ? this.#interval / 4 : this.#interval;
    this.#timer = setTimeout(this.#tick, Math.max(1, wait));
    this.#timer.unref();
  }

  readonly #tick = (): void => {
    this.check();
    this.#schedule();
  };

  async shutdown(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** While refusing, /health says so (`refusing: memory use ...`) and answers 503. */
  health(): Health {
    if (!this.#refusing) return { healthy: true };
    return { healthy: false, refusing: true, message: `memory use ${mib(this.#usage)} MiB is above the soft limit ${mib(this.#soft)} MiB (hard limit ${mib(this.#hard)} MiB)` };
  }

  /** Reads memory use and updates the refusing state. Runs on the timer; public for tests. */
  check(): void {
    const rss = this.#read();
    this.#rss = rss;
    let usage = rss;
    if (rss < this.#soft) {
      this.#collectedRss = undefined;
    } else {
      // Taking data after a collection found live memory below the soft limit: RSS grown since
      // then counts as live, RSS that has not grown is memory the allocator had kept and reused.
      // Below the soft limit (and the hard limit) that estimate stands without a collection.
      const collected = this.#collectedRss;
      const estimate = this.#refusing || collected === undefined ? Number.POSITIVE_INFINITY : this.#liveAfterCollection + Math.max(0, rss - collected);
      if (estimate < this.#soft && rss < this.#hard) usage = estimate;
      else if (this.#collect()) {
        const after = this.#read();
        this.#rss = after;
        this.#collectedRss = after;
        // Memory the allocator keeps after the collection (glibc does not hand freed chunks
        // back) is free for new data, not in use: below the hard limit, what is live decides.
        usage = after >= this.#hard ? after : Math.min(after, this.#readLive());
        this.#liveAfterCollection = usage;
      }
    }
    this.#usage = usage;
    const refusing = usage >= this.#soft;
    if (refusing === this.#refusing) return;
    this.#refusing = refusing;
    const fields = { usage_mib: mib(usage), soft_limit_mib: mib(this.#soft), hard_limit_mib: mib(this.#hard), signal: this.#signal };
    if (refusing) this.#logger.warn(fields, `${this.#id}: memory use above the soft limit; refusing data until it drops`);
    else this.#logger.info(fields, `${this.#id}: memory use back below the soft limit; accepting data`);
  }

  consume(batch: Batch): Promise<void> {
    if (this.#refusing) {
      return Promise.reject(
        ConsumerError.retryable(Reason.memory_limit, `processor ${this.#id}: memory use ${mib(this.#usage)} MiB is above the soft limit ${mib(this.#soft)} MiB`, Math.max(1000, this.#interval)),
      );
    }
    return this.#next.consume(batch);
  }

  /** Forces a full collection; false when that is not possible (then the reading stands). */
  #collect(): boolean {
    if (this.#gc) {
      this.#gc();
      return true;
    }
    if (!this.#gcMissingLogged) {
      this.#gcMissingLogged = true;
      this.#logger.warn(`${this.#id}: memory use above the soft limit and garbage collection cannot be forced (start node with --expose-gc to allow it)`);
    }
    return false;
  }
}

/**
 * Live memory: V8's heap and the Buffers outside it, plus the rest of the process (code, thread
 * stacks, libraries), taken as the smallest RSS beyond V8's part seen so far: that part does not
 * shrink, and what the allocator keeps of freed memory is not counted. One for the process.
 */
let sharedLive: (() => number) | undefined;
function liveReader(): () => number {
  if (sharedLive) return sharedLive;
  let base = Number.POSITIVE_INFINITY;
  sharedLive = () => {
    const m = process.memoryUsage();
    const v8Part = m.heapTotal + m.external;
    base = Math.min(base, Math.max(0, m.rss - v8Part));
    return base + v8Part;
  };
  sharedLive();
  return sharedLive;
}

/**
 * V8's `gc` function without --expose-gc on the command line: the flag set at run time, and the
 * function taken from a fresh context, where V8 installs it. Undefined when that fails. Shared by
 * every instance (one per pipeline), which read the same memory: a collection another instance
 * ran in the last 100 ms is not run again.
 */
let sharedGc: (() => void) | undefined | null = null;
function defaultGc(): (() => void) | undefined {
  if (sharedGc !== null) return sharedGc;
  let gc: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc');
    } catch {
      gc = undefined;
    }
  }
  if (typeof gc !== 'function') {
    sharedGc = undefined;
    return undefined;
  }
  const collect = gc as () => void;
  let last = Number.NEGATIVE_INFINITY;
  sharedGc = () => {
    const now = performance.now();
    if (now - last < 100) return;
    collect();
    last = performance.now();
  };
  return sharedGc;
}

function mib(bytes: number): number {
  return Math.round(bytes / MIB);
}

// The memory_limiter processor: refuses data while the process uses too much memory, so
// that senders back off (HTTP 429 / gRPC RESOURCE_EXHAUSTED) instead of the daemon being
// killed. Memory is sampled on a timer, never per batch: a batch only reads a boolean.
import * as os from 'node:os';
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
  /** Runs a garbage collection above the hard limit. Default: global.gc when node runs with --expose-gc. */
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
  readonly #gc: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refusing = false;
  #usage = 0;
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
    this.#read = opts.readMemory ?? process.memoryUsage.rss;
    this.#gc = opts.gc ?? (globalThis as { gc?: () => void }).gc;
  }

  async start(): Promise<void> {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#interval);
    this.#timer.unref();
  }

  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  health(): Health {
    return this.#refusing ? { healthy: true, message: `refusing data: memory use ${mib(this.#usage)} MiB is above the soft limit ${mib(this.#soft)} MiB` } : { healthy: true };
  }

  /** Reads memory use and updates the refusing state. Runs on the timer; public for tests. */
  check(): void {
    const usage = this.#read();
    this.#usage = usage;
    if (usage >= this.#hard) this.#collect();
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

  #collect(): void {
    if (this.#gc) {
      this.#gc();
      return;
    }
    if (!this.#gcMissingLogged) {
      this.#gcMissingLogged = true;
      this.#logger.warn(`${this.#id}: memory use above the hard limit and garbage collection cannot be forced (start node with --expose-gc to allow it)`);
    }
  }
}

function mib(bytes: number): number {
  return Math.round(bytes / MIB);
}

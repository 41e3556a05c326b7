// Taps: a live sample of the records leaving a component, for `genrf-collector tap`. Every
// place where a component hands records on is a TapPoint; with nobody listening it costs one
// length check per batch. A listener is rate limited and buffers a bounded number of
// samples: when the reader is slow, samples are dropped (and counted), never data, and the
// pipeline never waits for a tap.
import type { Batch } from '../pdata/batch.ts';
import { headData } from '../pdata/head.ts';
import { encodeJson } from '../pdata/json/index.ts';
import type { Signal, SignalData } from '../pdata/types.ts';
import type { Consumer } from './consumer.ts';

/** Where records can be tapped, named `id@pipeline`. */
export interface TapPointInfo {
  /** `redaction/pii@logs/security`. */
  key: string;
  kind: 'receiver' | 'processor' | 'exporter' | 'connector';
  id: string;
  pipeline: string;
  signal: Signal;
  /**
   * What is sampled: `out` the records the component hands on inside `pipeline` (a receiver or
   * connector into it, a processor to the next stage); `in` the records `pipeline` hands to an
   * exporter, or to a connector it exports to.
   */
  side: 'in' | 'out';
}

/** Removes what a tap may not show (service.security's records on unscrubbed paths). */
export type TapFilter = <S extends Signal>(signal: S, data: SignalData[S]) => { data: SignalData[S] | undefined; withheld: number };

/** Whether a tap point may be tapped, and how (given by the CLI: service.security decides). */
export type TapDecision = { allow: false; reason: string } | { allow: true; filter?: TapFilter; note?: string };

export type TapPolicy = (point: TapPointInfo) => TapDecision;

type Listener = (batch: Batch) => void;
const NONE: readonly Listener[] = [];

/** A consumer in front of another that shows the batches passing to its listeners first. */
export class TapPoint implements Consumer {
  readonly mutates: boolean;
  /** As the consumer behind it (see Consumer.durable). */
  readonly durable: boolean;
  readonly info: TapPointInfo;
  readonly #inner: Consumer;
  /** Replaced, never changed in place, so that consume can loop over it without a copy. */
  #listeners: readonly Listener[] = NONE;

  constructor(info: TapPointInfo, inner: Consumer) {
    this.info = info;
    this.#inner = inner;
    this.mutates = inner.mutates;
    this.durable = inner.durable === true;
  }

  consume(batch: Batch): Promise<void> {
    const ls = this.#listeners;
    if (ls.length !== 0) for (let i = 0; i < ls.length; i++) ls[i](batch);
    return this.#inner.consume(batch);
  }

  /** Adds a listener; returns the function that removes it. */
  attach(listener: Listener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }
}

export interface TapSample {
  /** Milliseconds since the epoch. */
  time: number;
  signal: Signal;
  /** Records in the sample. */
  records: number;
  /** The sampled records as an OTLP/JSON request body. */
  otlp: string;
}

export interface TapSessionOptions {
  /** Records sampled per second at most (a token bucket holding one second's worth). */
  ratePerSecond: number;
  /** Records after which the session takes no more; 0 = no limit. */
  limit: number;
  /** Samples held for a slow reader; past it new samples are dropped and counted. */
  buffer: number;
  filter?: TapFilter;
  /** Called when a sample was buffered: the reader drains with take(). */
  wake: () => void;
  now?: () => number;
}

/**
 * One reader's view of one or more tap points. Runs inside `consume` of the component it taps,
 * so it only takes what the rate allows, encodes it at once (later stages may change the
 * records) and returns; it never throws into the pipeline.
 */
export class TapSession {
  readonly #opts: TapSessionOptions;
  readonly #now: () => number;
  readonly #samples: TapSample[] = [];
  #tokens: number;
  #refilled: number;
  #taken = 0;
  /** Samples dropped because the reader was behind. */
  dropped = 0;
  /** Records not sampled because of the rate limit. */
  skipped = 0;
  /** Records the filter withheld. */
  withheld = 0;

  constructor(opts: TapSessionOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#tokens = opts.ratePerSecond;
    this.#refilled = this.#now();
  }

  /** True once `limit` records were sampled. */
  get done(): boolean {
    return this.#opts.limit > 0 && this.#taken >= this.#opts.limit;
  }

  readonly listener = (batch: Batch): void => {
    try {
      this.#offer(batch);
    } catch {
      // A sample that cannot be taken is not worth a record of the pipeline.
      this.dropped++;
    }
  };

  /** The buffered samples, oldest first; the buffer is emptied. */
  take(): TapSample[] {
    return this.#samples.splice(0, this.#samples.length);
  }

  #offer(batch: Batch): void {
    if (this.done) return;
    const now = this.#now();
    const rate = this.#opts.ratePerSecond;
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilled) * rate) / 1000);
    this.#refilled = now;
    const items = batch.items;
    if (this.#tokens < 1) {
      this.skipped += items;
      return;
    }
    if (this.#samples.length >= this.#opts.buffer) {
      this.dropped++;
      return;
    }
    const signal = batch.signal;
    let data: SignalData[Signal] | undefined = batch.data;
    let available = items;
    const filter = this.#opts.filter;
    if (filter !== undefined) {
      // Before choosing the records, so that withheld ones never take a sample's place.
      const f = filter(signal, data);
      this.withheld += f.withheld;
      available -= f.withheld;
      data = f.data;
    }
    const left = this.#opts.limit > 0 ? this.#opts.limit - this.#taken : Infinity;
    const n = Math.min(Math.floor(this.#tokens), available, left);
    this.skipped += available - n;
    if (data === undefined || n <= 0) return;
    this.#tokens -= n;
    this.#taken += n;
    this.#samples.push({ time: now, signal, records: n, otlp: encodeJson(signal, headData(signal, data, n)) });
    this.#opts.wake();
  }
}

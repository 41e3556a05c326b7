import type { Signal, SignalData } from './types.ts';
import { decodeProto, encodeProto } from './proto/index.ts';
import { cloneData, countItems } from './ops.ts';

/**
 * One signal's OTLP structure travelling through a pipeline.
 *
 * A batch may hold the decoded structure, its protobuf encoding, or both. A receiver that
 * got protobuf keeps the bytes, so a pipeline that never looks inside (OTLP in, OTLP or
 * Kafka out) forwards them without decoding, and a fan-out to mutating consumers gives
 * each one the shared bytes to decode instead of a deep copy.
 *
 * Rules: `data` is for reading. A consumer that declared `mutates: true` is handed a batch
 * of its own and calls `mutableData()` before changing it, which drops the cached bytes and
 * item count. The bytes are never changed in place.
 */
export class Batch<S extends Signal = Signal> {
  readonly signal: S;
  #data: SignalData[S] | undefined;
  #proto: Uint8Array | undefined;
  #items: number;

  private constructor(signal: S, data: SignalData[S] | undefined, proto: Uint8Array | undefined, items: number) {
    this.signal = signal;
    this.#data = data;
    this.#proto = proto;
    this.#items = items;
  }

  /** A batch of decoded data; `items` is counted when not given. */
  static of<S extends Signal>(signal: S, data: SignalData[S], items = -1): Batch<S> {
    return new Batch(signal, data, undefined, items);
  }

  /** A batch of protobuf bytes (an Export*ServiceRequest), decoded on first use. */
  static fromProto<S extends Signal>(signal: S, bytes: Uint8Array, items = -1): Batch<S> {
    return new Batch(signal, undefined, bytes, items);
  }

  get data(): SignalData[S] {
    if (this.#data === undefined) this.#data = decodeProto(this.signal, this.#proto!);
    return this.#data;
  }

  /** The data, for a consumer that changes it; forgets the cached encoding and count. */
  mutableData(): SignalData[S] {
    const data = this.data;
    this.#proto = undefined;
    this.#items = -1;
    return data;
  }

  /** Spans, data points or log records in the batch. */
  get items(): number {
    if (this.#items < 0) this.#items = countItems(this.signal, this.data);
    return this.#items;
  }

  /** True when the decoded structure exists (the batch was decoded or built as data). */
  get decoded(): boolean {
    return this.#data !== undefined;
  }

  /** The protobuf encoding, computed once. */
  toProto(): Uint8Array {
    if (this.#proto === undefined) this.#proto = encodeProto(this.signal, this.#data!);
    return this.#proto;
  }

  /** An independent copy for a mutating consumer: shares the bytes when there are any. */
  clone(): Batch<S> {
    if (this.#proto !== undefined) return new Batch(this.signal, undefined, this.#proto, this.#items);
    return new Batch(this.signal, cloneData(this.signal, this.#data!), undefined, this.#items);
  }
}

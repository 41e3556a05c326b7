import type { Resource, Signal, SignalData } from './types.ts';
import { decodeProto, encodeProto } from './proto/index.ts';
import { rewriteResources } from './proto/resources.ts';
import { cloneData, countItems } from './ops.ts';
import { SHAPES } from './shape.ts';

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
 * item count; one that changes only resources calls `changeResources()`, which keeps the
 * bytes (rewritten) when there are any. The bytes are never changed in place.
 *
 * A batch the batch processor merged by concatenating requests remembers where each source
 * request ends (`sources()`): should the merged bytes fail to decode or encode downstream
 * (which the receivers' validating scan is there to prevent), a consumer hands the sources on
 * one by one, so that only the bad request is dropped.
 */
export class Batch<S extends Signal = Signal> {
  readonly signal: S;
  #data: SignalData[S] | undefined;
  #proto: Uint8Array | undefined;
  #items: number;
  /** Merged batches: [end offset, items] of each source request, flattened; else undefined. */
  #bounds: readonly number[] | undefined;

  private constructor(signal: S, data: SignalData[S] | undefined, proto: Uint8Array | undefined, items: number, bounds?: readonly number[]) {
    this.signal = signal;
    this.#data = data;
    this.#proto = proto;
    this.#items = items;
    this.#bounds = bounds;
  }

  /** A batch of decoded data; `items` is counted when not given. */
  static of<S extends Signal>(signal: S, data: SignalData[S], items = -1): Batch<S> {
    return new Batch(signal, data, undefined, items);
  }

  /** A batch of protobuf bytes (an Export*ServiceRequest), decoded on first use. */
  static fromProto<S extends Signal>(signal: S, bytes: Uint8Array, items = -1): Batch<S> {
    return new Batch(signal, undefined, bytes, items);
  }

  /**
   * The concatenation of several protobuf requests; `bounds` holds each one's end offset in
   * `bytes` and its items, flattened (`[end0, items0, end1, items1, ...]`).
   */
  static merged<S extends Signal>(signal: S, bytes: Uint8Array, items: number, bounds: readonly number[]): Batch<S> {
    return new Batch(signal, undefined, bytes, items, bounds.length > 2 ? bounds : undefined);
  }

  /** How many requests this batch was merged from: 1 unless merged (and not changed since). */
  get sourceCount(): number {
    return this.#bounds === undefined ? 1 : this.#bounds.length >>> 1;
  }

  /** See `merged`; undefined unless this batch was merged from several requests. */
  get bounds(): readonly number[] | undefined {
    return this.#bounds;
  }

  /**
   * The requests a merged batch was made of, in order, as batches of their own (views of its
   * bytes, no copy); `[this]` for any other batch.
   */
  sources(): Batch<S>[] {
    const bounds = this.#bounds;
    if (bounds === undefined) return [this];
    const bytes = this.#proto!;
    const out: Batch<S>[] = [];
    let start = 0;
    for (let i = 0; i < bounds.length; i += 2) {
      out.push(new Batch(this.signal, undefined, bytes.subarray(start, bounds[i]), bounds[i + 1]));
      start = bounds[i];
    }
    return out;
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
    this.#bounds = undefined;
    return data;
  }

  /**
   * Calls `apply` on every resource, in order, for a consumer of its own batch that changes
   * resources and nothing below them. Protobuf bytes are rewritten one resource message at a
   * time (proto/resources.ts): no record is decoded, and the count and a merged batch's
   * sources are kept. Decoded data is changed in place.
   */
  changeResources(apply: (resource: Resource) => void): void {
    if (this.#data === undefined) {
      try {
        const out = rewriteResources(this.#proto!, this.#bounds, apply);
        this.#proto = out.bytes;
        this.#bounds = out.bounds;
        return;
      } catch {
        // Bytes that do not parse: the decode below throws the DecodeError with its path.
      }
    }
    const shape = SHAPES[this.signal];
    const resources = shape.resources(this.mutableData());
    for (let i = 0; i < resources.length; i++) apply(shape.resource(resources[i]));
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
    if (this.#proto !== undefined) return new Batch(this.signal, undefined, this.#proto, this.#items, this.#bounds);
    return new Batch(this.signal, cloneData(this.signal, this.#data!), undefined, this.#items);
  }
}

/**
 * A bounded FIFO on a ring buffer: push and shift are O(1) and allocate nothing once the
 * buffer has grown, so a full queue costs no more than an empty one. The buffer starts
 * small and doubles up to `capacity`, so a large capacity (e.g. `sizer: items`, where it
 * is counted in items) costs memory only when it is used.
 */
export class RingQueue<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#items = new Array(Math.min(capacity, 64)).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds at the tail; false (and nothing added) when full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) % this.#items.length] = item;
    this.#size++;
    return true;
  }

  /** The head, without taking it; undefined when empty. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Takes from the head; undefined when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the batch be collected once sent
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return item;
  }

  /** Empties the queue: how many entries it held, and the sum of `itemsOf` over them. */
  drain(itemsOf: (item: T) => number): { batches: number; items: number } {
    let batches = 0;
    let items = 0;
    for (let item = this.shift(); item !== undefined; item = this.shift()) {
      batches++;
      items += itemsOf(item);
    }
    return { batches, items };
  }

  #grow(): void {
    const old = this.#items;
    const next: (T | undefined)[] = new Array(Math.min(this.capacity, old.length * 2)).fill(undefined);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) % old.length];
    this.#items = next;
    this.#head = 0;
  }
}

/**
 * A bounded FIFO on a fixed array: push and shift are O(1) and allocate nothing, so a full
 * queue costs no more than an empty one.
 */
export class RingQueue<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#items = new Array(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds at the tail; false (and nothing added) when full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return true;
  }

  /** Takes from the head; undefined when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the batch be collected once sent
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }
}

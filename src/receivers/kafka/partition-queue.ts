import type { Message } from '@platformatic/kafka';

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * The fetched messages of one partition, handled strictly in order by one worker. The
 * offsets it tracks are what makes delivery at-least-once: `done` moves only after every
 * pipeline accepted a message, and only `done` is ever committed.
 */
export class PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Offset after the last message queued: a message below it was seen already (re-fetch after a rebalance). */
  nextOffset = -1n;
  /** Offset after the last message handled (the next one to read), -1 when none. */
  done = -1n;
  committed = -1n;
  leaderEpoch = -1;
  /** Set when the group moved the partition away: stop, keep nothing. */
  revoked = false;
  running = false;
  bytes = 0;
  #items: KafkaMessage[] = [];
  #head = 0;

  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(m: KafkaMessage): void {
    this.#items.push(m);
    this.nextOffset = m.offset + 1n;
    this.bytes += m.value?.length ?? 0;
  }

  peek(): KafkaMessage | undefined {
    return this.#items[this.#head];
  }

  /** Drops the head once handled; compacts now and then instead of shifting each time. */
  shift(): void {
    const m = this.#items[this.#head];
    this.#items[this.#head++] = undefined as never;
    this.bytes -= m?.value?.length ?? 0;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Forgets everything queued; returns how many messages that was. */
  clear(): number {
    const n = this.length;
    this.#items = [];
    this.#head = 0;
    this.bytes = 0;
    return n;
  }
}

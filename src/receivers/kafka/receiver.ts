// The kafka receiver: one consumer-group member per receiver id, subscribed to the topics
// of the signals its pipelines take. Messages of a partition are handled in order by one
// worker (message-handler.ts); offsets are committed only up to what every pipeline
// accepted, every `autocommit.interval`, after a rebalance and at shutdown.
import { Consumer, type GroupAssignment, type MessagesStream } from '@platformatic/kafka';
import type { CreateSettings, Health, Host, Receiver, ReceiverConsumers } from '../../pipeline/component.ts';
import { SIGNALS } from '../../pdata/types.ts';
import { clientOptions } from '../../kafka/client-config.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import type { KafkaReceiverConfig } from './config.ts';
import { DeadLetterWriter } from './dead-letter.ts';
import { MessageHandler, type Route } from './message-handler.ts';
import { PartitionQueue, type KafkaMessage } from './partition-queue.ts';

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** Wait before joining again after the client's stream failed (broker gone, group error). */
const RECONNECT_MS = 1000;

export class KafkaReceiver implements Receiver {
  readonly #settings: CreateSettings;
  readonly #config: KafkaReceiverConfig;
  readonly #id: string;
  readonly #routes = new Map<string, Route>();
  readonly #stop = new AbortController();
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: Stream | undefined;
  #dlq: DeadLetterWriter | undefined;
  #handler: MessageHandler | undefined;
  #commitTimer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  readonly #workers = new Set<Promise<void>>();
  // Flow control: fetched but not yet handled, over all partitions.
  #buffered = 0;
  #bufferedBytes = 0;
  readonly #fullQueues = new Set<PartitionQueue>();
  #paused = false;
  #joined = false;
  #lastError: string | undefined;

  constructor(settings: CreateSettings, config: KafkaReceiverConfig, consumers: ReceiverConsumers) {
    this.#settings = settings;
    this.#config = config;
    this.#id = settings.id.text;
    for (const signal of SIGNALS) {
      const consumer = consumers[signal];
      if (consumer === undefined) continue; // no pipeline takes it: do not subscribe
      const { topic, encoding } = config[signal];
      const dlt = config.dead_letter_topic;
      const deadLetterTopic = dlt === undefined ? `${topic}.dlq` : dlt === '' ? undefined : dlt;
      this.#routes.set(topic, { topic, signal, encoding, consumer, deadLetterTopic, queues: [], owned: undefined });
    }
  }

  async start(_host?: Host): Promise<void> {
    const c = this.#config;
    const base = await clientOptions(c, `receiver ${this.#id}`);
    this.#dlq = new DeadLetterWriter(base);
    this.#handler = new MessageHandler({ id: this.#id, logger: this.#settings.logger, metrics: this.#settings.metrics, config: c, dlq: this.#dlq, stop: this.#stop.signal });
    this.#consumer = new Consumer({
      ...base,
      groupId: c.group_id,
      sessionTimeout: c.session_timeout,
      heartbeatInterval: c.heartbeat_interval,
      rebalanceTimeout: Math.max(c.session_timeout, 30_000),
      maxBytes: c.max_fetch_size,
      maxBytesPerPartition: c.default_fetch_size,
      maxWaitTime: c.max_fetch_wait,
      autocommit: false,
      // The client's own read-ahead, in messages; ours (max_buffered_*) comes after it.
      highWaterMark: 64,
    });
    this.#consumer.on('consumer:group:join', (p) => this.#onJoin(p.assignments));
    // A rebalance is starting: commit what is done while this member still owns it.
    this.#consumer.on('consumer:group:rebalance', () => void this.#commit());
    this.#commitTimer = setInterval(() => void this.#commit(), c.autocommit.interval);
    this.#commitTimer.unref();
    // Joining waits for the broker; the daemon starts meanwhile and health says why not yet.
    void this.#subscribe();
  }

  async #subscribe(): Promise<void> {
    const consumer = this.#consumer!;
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      try {
        const stream = await consumer.consume({
          topics: [...this.#routes.keys()],
          mode: 'committed',
          fallbackMode: this.#config.initial_offset,
          autocommit: false,
        });
        if (stop.aborted) { await stream.close().catch(() => {}); return; }
        this.#stream = stream;
        if (this.#paused) stream.pause();
        stream.on('data', (m: KafkaMessage) => this.#onMessage(m));
        await new Promise<void>((resolve) => {
          stream.once('error', (err) => this.#fail('consuming failed', err));
          stream.once('close', resolve);
        });
        this.#stream = undefined;
        this.#joined = false;
      } catch (err) {
        this.#fail('cannot join the consumer group', err);
      }
      if (!stop.aborted) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  }

  #fail(what: string, err: unknown): void {
    if (this.#stop.signal.aborted) return;
    this.#lastError = `${what}: ${describeKafkaError(err)}`;
    this.#settings.logger.warn({ receiver: this.#id, err: describeKafkaError(err) }, `receiver ${this.#id}: ${this.#lastError}; retrying in ${RECONNECT_MS}ms`);
  }

  // ---- messages ----

  #onMessage(m: KafkaMessage): void {
    const route = this.#routes.get(m.topic);
    if (route === undefined) return;
    let q = route.queues[m.partition];
    if (q === undefined) {
      // A late message of a partition the group moved away: the new owner reads it.
      if (route.owned !== undefined && !route.owned.has(m.partition)) return;
      q = route.queues[m.partition] = new PartitionQueue(m.topic, m.partition);
    }
    // Already queued or handled: the client fetches again from the committed offset after a rebalance.
    if (m.offset < q.nextOffset) return;
    q.push(m);
    this.#buffered++;
    this.#bufferedBytes += m.value?.length ?? 0;
    if (q.length >= this.#config.max_partition_buffered_messages) this.#fullQueues.add(q);
    this.#flow();
    if (!q.running) this.#startWorker(route, q);
  }

  #startWorker(route: Route, q: PartitionQueue): void {
    q.running = true;
    const w = this.#work(route, q).catch((err: unknown) => {
      // Only a bug gets here; the partition stops so that nothing is skipped.
      this.#lastError = `partition ${q.topic}/${q.partition} stopped: ${(err as Error).message}`;
      this.#settings.logger.error({ receiver: this.#id, err }, `receiver ${this.#id}: ${this.#lastError}`);
    }).finally(() => { q.running = false; this.#workers.delete(w); });
    this.#workers.add(w);
  }

  async #work(route: Route, q: PartitionQueue): Promise<void> {
    const handler = this.#handler!;
    const stop = this.#stop.signal;
    let m: KafkaMessage | undefined;
    while (!stop.aborted && !q.revoked && (m = q.peek()) !== undefined) {
      const ok = await handler.handle(route, q, m);
      if (!ok || q.revoked) return;
      q.done = m.offset + 1n;
      q.leaderEpoch = m.leaderEpoch;
      const bytes = m.value?.length ?? 0;
      q.shift();
      this.#buffered--;
      this.#bufferedBytes -= bytes;
      if (q.length * 2 <= this.#config.max_partition_buffered_messages) this.#fullQueues.delete(q);
      this.#flow();
    }
  }

  /** Pauses fetching above the buffer limits, resumes below half of them. */
  #flow(): void {
    const c = this.#config;
    if (!this.#paused) {
      if (this.#buffered >= c.max_buffered_messages || this.#bufferedBytes >= c.max_buffered_bytes || this.#fullQueues.size > 0) {
        this.#paused = true;
        this.#stream?.pause();
      }
    } else if (this.#fullQueues.size === 0 && this.#buffered * 2 <= c.max_buffered_messages && this.#bufferedBytes * 2 <= c.max_buffered_bytes) {
      this.#paused = false;
      if (!this.#stop.signal.aborted) this.#stream?.resume();
    }
  }

  // ---- group and offsets ----

  #onJoin(assignments: GroupAssignment[] | undefined): void {
    this.#joined = true;
    this.#lastError = undefined;
    const owned = new Map<string, Set<number>>();
    for (const a of assignments ?? []) owned.set(a.topic, new Set(a.partitions));
    for (const route of this.#routes.values()) {
      const mine = owned.get(route.topic) ?? new Set<number>();
      route.owned = mine;
      route.queues.forEach((q, partition) => {
        if (q === undefined || mine.has(partition)) return;
        // Moved to another member: stop, drop what is queued (the new owner reads it from
        // the committed offset), keep `done` so that the commit below still records it.
        q.revoked = true;
        this.#buffered -= q.length;
        this.#bufferedBytes -= q.bytes;
        q.clear();
        this.#fullQueues.delete(q);
      });
    }
    this.#flow();
    this.#settings.logger.info({ receiver: this.#id, assignments: assignments?.map((a) => `${a.topic}:${a.partitions.join(',')}`) },
      `receiver ${this.#id}: joined group ${this.#config.group_id}`);
    void this.#commit().then(() => {
      // Revoked queues have been committed as far as they got: forget them.
      for (const route of this.#routes.values()) {
        route.queues.forEach((q, p) => { if (q?.revoked && !q.running) route.queues[p] = undefined; });
      }
    });
  }

  /** Commits every partition's `done` offset that moved; one commit at a time. */
  #commit(): Promise<void> {
    if (this.#committing !== undefined) return this.#committing.then(() => this.#commit());
    const consumer = this.#consumer;
    if (consumer === undefined) return Promise.resolve();
    const offsets: Array<{ topic: string; partition: number; offset: bigint; leaderEpoch: number; q: PartitionQueue }> = [];
    for (const route of this.#routes.values()) {
      for (const q of route.queues) {
        if (q !== undefined && q.done > q.committed) offsets.push({ topic: q.topic, partition: q.partition, offset: q.done, leaderEpoch: q.leaderEpoch, q });
      }
    }
    if (offsets.length === 0) return Promise.resolve();
    this.#committing = consumer.commit({ offsets: offsets.map(({ q: _q, ...o }) => o) }).then(
      () => { for (const o of offsets) if (o.offset > o.q.committed) o.q.committed = o.offset; },
      (err: unknown) => {
        // Kept for the next attempt; a rebalance in progress is the usual cause.
        this.#settings.logger.debug({ receiver: this.#id, err: describeKafkaError(err) }, 'offset commit failed; will retry');
      },
    ).finally(() => { this.#committing = undefined; });
    return this.#committing;
  }

  // ---- lifecycle ----

  async shutdown(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    clearInterval(this.#commitTimer);
    this.#stream?.pause();
    const deadline = new Promise<void>((r) => setTimeout(r, this.#settings.shutdownTimeoutMs).unref());
    // Messages being pushed finish (their data is in the pipeline); nothing new starts.
    await Promise.race([Promise.allSettled([...this.#workers]), deadline]);
    await Promise.race([this.#commit(), deadline]);
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.close().catch(() => {});
    // Leaving the group hands the partitions over at once instead of after session_timeout.
    await this.#consumer?.close(true).catch((err: unknown) => {
      this.#settings.logger.warn({ receiver: this.#id, err: describeKafkaError(err) }, 'kafka consumer did not close cleanly');
    });
    await this.#dlq?.close().catch(() => {});
  }

  health(): Health {
    if (this.#lastError !== undefined) return { healthy: false, message: this.#lastError };
    if (!this.#joined) return { healthy: false, message: `joining consumer group ${this.#config.group_id}` };
    return { healthy: true };
  }
}

// The kafka receiver: one consumer-group member per receiver id, subscribed to the topics
// of the signals its pipelines take. Messages of a partition are handled in order by one
// worker (message-handler.ts); offsets are committed only up to what every pipeline
// accepted, every `autocommit.interval`, after a rebalance and at shutdown.
import type { BaseOptions, Consumer, GroupAssignment, MessagesStream } from '@platformatic/kafka';
import { loadKafka } from '../../kafka/lib.ts';
import type { CreateSettings, Health, Host, Receiver, ReceiverConsumers } from '../../pipeline/component.ts';
import { SIGNALS } from '../../pdata/types.ts';
import { clientOptions } from '../../kafka/client-config.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import type { KafkaReceiverConfig } from './config.ts';
import { DeadLetterWriter } from './dead-letter.ts';
import { MessageHandler, type Route } from './message-handler.ts';
import { PartitionQueue, type KafkaMessage } from './partition-queue.ts';
import { TOPIC_POLL_MS, TopicWatcher } from './topics.ts';
import { sleep } from '../../net/backoff.ts';

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
  /** The client's consumer class, loaded at start. */
  #Consumer: typeof Consumer | undefined;
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
  #base: BaseOptions | undefined;
  #topics: TopicWatcher | undefined;
  /** Topics that do not exist yet: the receiver waits for them. */
  #missing: string[] = [];

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
    this.#Consumer = (await loadKafka()).Consumer;
    this.#base = base;
    this.#dlq = new DeadLetterWriter(base);
    this.#topics = new TopicWatcher(base, c.create_topics);
    this.#handler = new MessageHandler({ id: this.#id, logger: this.#settings.logger, metrics: this.#settings.metrics, config: c, dlq: this.#dlq, stop: this.#stop.signal });
    this.#commitTimer = setInterval(() => void this.#commit(), c.autocommit.interval);
    this.#commitTimer.unref();
    // Joining waits for the broker and the topics; the daemon starts meanwhile and health says why not yet.
    void this.#subscribe();
  }

  #newConsumer(): Consumer<Buffer, Buffer, Buffer, Buffer> {
    const c = this.#config;
    const consumer = new this.#Consumer!({
      ...this.#base!,
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
    // Events of a consumer that was replaced after a failure are not ours any more.
    consumer.on('consumer:group:join', (p) => {
      if (this.#consumer === consumer) this.#onJoin(p.assignments);
    });
    // A rebalance is starting: commit what is done while this member still owns it.
    consumer.on('consumer:group:rebalance', () => {
      if (this.#consumer === consumer) void this.#commit();
    });
    return consumer;
  }

  async #subscribe(): Promise<void> {
    const stop = this.#stop.signal;
    const topics = [...this.#routes.keys()];
    const deadLetter = [...new Set([...this.#routes.values()].flatMap((r) => (r.deadLetterTopic === undefined ? [] : [r.deadLetterTopic])))];
    while (!stop.aborted) {
      try {
        const { present, missing } = await this.#topics!.check(topics, deadLetter);
        this.#lastError = undefined;
        this.#noteMissing(missing);
        if (present.length === 0) {
          await sleep(TOPIC_POLL_MS, stop);
          continue;
        }
        this.#consumer ??= this.#newConsumer();
        const stream = await this.#consumer.consume({
          topics: present,
          mode: 'committed',
          fallbackMode: this.#config.initial_offset,
          autocommit: false,
        });
        if (stop.aborted) {
          await stream.close().catch(() => {});
          return;
        }
        this.#stream = stream;
        if (this.#paused) stream.pause();
        stream.on('data', (m: KafkaMessage) => this.#onMessage(m));
        const grew = await this.#consumeUntil(stream, missing);
        this.#stream = undefined;
        this.#joined = false;
        if (grew) continue; // join again at once, with the topics that appeared
      } catch (err) {
        this.#fail('cannot join the consumer group', err);
        // The client keeps the topics of a failed join subscribed: start over with a new one.
        const old = this.#consumer;
        this.#consumer = undefined;
        await Promise.race([old?.close(true).catch(() => {}), sleep(RECONNECT_MS, stop)]);
      }
      if (!stop.aborted) await sleep(RECONNECT_MS, stop);
    }
  }

  /**
   * Resolves false when the stream closes (an error: join again), or true once a topic that
   * was missing exists: what is done is committed and the stream closed, so that the member
   * joins again subscribed to it too.
   */
  #consumeUntil(stream: Stream, missing: string[]): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let grew = false;
      stream.once('error', (err) => this.#fail('consuming failed', err));
      stream.once('close', () => {
        clearTimeout(timer);
        resolve(grew);
      });
      if (missing.length === 0) return;
      const poll = async () => {
        const found = await this.#topics!.check(missing).then(
          (r) => r.present,
          () => [],
        );
        if (this.#stop.signal.aborted || this.#stream !== stream) return;
        if (found.length === 0) {
          timer = setTimeout(poll, TOPIC_POLL_MS);
          return;
        }
        this.#settings.logger.info({ receiver: this.#id, topics: found }, `receiver ${this.#id}: topic ${found.join(', ')} exists now: joining again to consume it`);
        await this.#commit();
        grew = true;
        await stream.close().catch(() => resolve(true));
      };
      timer = setTimeout(poll, TOPIC_POLL_MS);
    });
  }

  /** Logs each topic once when it is found missing, and keeps the list for health. */
  #noteMissing(missing: string[]): void {
    const fresh = missing.filter((t) => !this.#missing.includes(t));
    this.#missing = missing;
    if (fresh.length === 0) return;
    const why = this.#topics?.createError ? ` (${this.#topics.createError})` : '';
    this.#settings.logger.info({ receiver: this.#id, topics: fresh }, `receiver ${this.#id}: topic ${fresh.join(', ')} does not exist yet${why}: waiting for it, checked every ${TOPIC_POLL_MS}ms`);
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
    const w = this.#work(route, q)
      .catch((err: unknown) => {
        // Only a bug gets here; the partition stops so that nothing is skipped.
        this.#lastError = `partition ${q.topic}/${q.partition} stopped: ${(err as Error).message}`;
        this.#settings.logger.error({ receiver: this.#id, err }, `receiver ${this.#id}: ${this.#lastError}`);
      })
      .finally(() => {
        q.running = false;
        this.#workers.delete(w);
      });
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
    this.#settings.logger.info({ receiver: this.#id, assignments: assignments?.map((a) => `${a.topic}:${a.partitions.join(',')}`) }, `receiver ${this.#id}: joined group ${this.#config.group_id}`);
    void this.#commit().then(() => {
      // Revoked queues have been committed as far as they got: forget them.
      for (const route of this.#routes.values()) {
        route.queues.forEach((q, p) => {
          if (q?.revoked && !q.running) route.queues[p] = undefined;
        });
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
    this.#committing = consumer
      .commit({ offsets: offsets.map(({ q: _q, ...o }) => o) })
      .then(
        () => {
          for (const o of offsets) if (o.offset > o.q.committed) o.q.committed = o.offset;
        },
        (err: unknown) => {
          // Kept for the next attempt; a rebalance in progress is the usual cause.
          this.#settings.logger.debug({ receiver: this.#id, err: describeKafkaError(err) }, 'offset commit failed; will retry');
        },
      )
      .finally(() => {
        this.#committing = undefined;
      });
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
    await this.#topics?.close();
  }

  health(): Health {
    if (this.#lastError !== undefined) return { healthy: false, message: this.#lastError };
    // Waiting is not failing: the topics come with the first producer (or create_topics), and
    // OTLP keeps working meanwhile, so a readiness probe on /health passes.
    if (this.#missing.length > 0) {
      const why = this.#topics?.createError ? ` (${this.#topics.createError})` : '';
      const consuming = this.#routes.size > this.#missing.length ? `; consuming ${[...this.#routes.keys()].filter((t) => !this.#missing.includes(t)).join(', ')}` : '';
      return { healthy: true, waiting: true, message: `topic ${this.#missing.join(', ')} does not exist yet${why}${consuming}` };
    }
    if (!this.#joined) return { healthy: true, waiting: true, message: `joining consumer group ${this.#config.group_id}` };
    return { healthy: true };
  }
}

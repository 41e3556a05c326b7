import type { Admin, BaseOptions } from '@platformatic/kafka';
import { loadKafka } from '../../kafka/lib.ts';
import { describeKafkaError } from '../../kafka/errors.ts';

// Which of the receiver's topics exist, and (with `create_topics`) creating the missing ones.
// A topic that does not exist yet is a state to wait in, not a failure: a fresh cluster gets
// its topics when the first producer writes (broker auto-creation) or when an operator or this
// receiver creates them. The consumer group is joined with the topics that exist; the others
// are checked again every TOPIC_POLL_MS.

/** How often missing topics are looked for (and, with create_topics, created). */
export const TOPIC_POLL_MS = 1000;

/** Kafka's TOPIC_ALREADY_EXISTS: another daemon of the fleet created it first. */
const TOPIC_ALREADY_EXISTS = 36;

export interface CreateTopics {
  /** Partitions of each created topic; undefined = the broker's num.partitions. */
  partitions?: number;
  /** Replicas of each partition; undefined = the broker's default.replication.factor. */
  replication_factor?: number;
}

export class TopicWatcher {
  readonly #options: BaseOptions;
  readonly #create: CreateTopics | undefined;
  #admin: Admin | undefined;
  /** Why the last creation failed (shown in health while the topic is missing). */
  createError: string | undefined;

  constructor(options: BaseOptions, create: CreateTopics | undefined) {
    this.#options = options;
    this.#create = create;
  }

  /**
   * Splits `topics` into those the cluster has and those it has not. With create_topics the
   * missing ones (and `extra`, the dead-letter topics) are created first. Rejects when the
   * cluster cannot be asked (broker unreachable): that is a failure, not a wait.
   */
  async check(topics: readonly string[], extra: readonly string[] = []): Promise<{ present: string[]; missing: string[] }> {
    const { Admin } = await loadKafka();
    this.#admin ??= new Admin({ ...this.#options, clientId: `${this.#options.clientId}-topics` });
    let existing = new Set(await this.#admin.listTopics());
    const wanted = [...topics, ...extra].filter((t) => !existing.has(t));
    if (this.#create !== undefined && wanted.length > 0) {
      await this.#createTopics(wanted);
      existing = new Set(await this.#admin.listTopics());
    }
    const present: string[] = [];
    const missing: string[] = [];
    for (const t of topics) (existing.has(t) ? present : missing).push(t);
    return { present, missing };
  }

  async #createTopics(names: string[]): Promise<void> {
    const c = this.#create!;
    // One request per topic: a topic another daemon created meanwhile fails alone.
    const errors: string[] = [];
    for (const name of names) {
      try {
        await this.#admin!.createTopics({ topics: [name], partitions: c.partitions, replicas: c.replication_factor });
      } catch (err) {
        if ((await loadKafka()).findErrorBy(err as Error, 'apiCode', TOPIC_ALREADY_EXISTS) !== null) continue;
        errors.push(`${name}: ${describeKafkaError(err)}`);
      }
    }
    this.createError = errors.length > 0 ? `create_topics failed: ${errors.join('; ')}` : undefined;
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.close().catch(() => {});
  }
}

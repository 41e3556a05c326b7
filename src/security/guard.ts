// The run-time half of service.security: in front of every exporter that is not a listed
// sink, security records are removed and counted, so that a leak the static check could not
// see (or a config run with enforce: false) still keeps them out. Defence in depth: a correct
// config never triggers it.
import type { Logger } from 'pino';
import type { CollectorConfig } from '../config/model.ts';
import type { Consumer } from '../pipeline/consumer.ts';
import type { ExporterWrapper } from '../pipeline/graph.ts';
import type { SelfMetrics } from '../telemetry/metrics.ts';
import type { Signal } from '../pdata/types.ts';
import { Batch } from '../pdata/batch.ts';
import { compileCondition, type Condition } from '../match/condition.ts';
import { Partitioner } from '../match/partition.ts';
import { coversSignal, readPolicy } from '../config/security-policy.ts';
import { Reason } from '../telemetry/drop-reasons.ts';

/** At most one warning per exporter in this many milliseconds; the counter counts every record. */
export const WARN_INTERVAL_MS = 60_000;

const CLASSIFIED = 1; // target 0: the security records
const KEPT = 2; // target 1: everything else

/** The guard for a config's policy, or undefined when there is no policy or runtime_guard is off. */
export function securityGuard(config: CollectorConfig, logger: Logger, metrics: SelfMetrics): ExporterWrapper | undefined {
  const policy = readPolicy(config);
  if (policy === undefined || !policy.runtime_guard) return undefined;
  const classify = compileCondition(policy.classify);
  const sinks = new Set(policy.sinks);
  return (id, signal, exporter) => {
    if (sinks.has(id) || !coversSignal(policy, signal) || classify.keysNotFor(signal).length > 0) return exporter;
    return new GuardedExporter(id, signal, exporter, classify, logger.child({ component: `exporter/${id}@${signal}` }), metrics);
  };
}

export class GuardedExporter implements Consumer {
  readonly mutates: boolean;
  readonly durable: boolean;
  readonly #inner: Consumer;
  readonly #signal: Signal;
  readonly #component: string;
  readonly #partitioner: Partitioner<Signal>;
  readonly #logger: Logger;
  readonly #metrics: SelfMetrics;
  #lastWarn = -Infinity;
  #unreported = 0;

  constructor(id: string, signal: Signal, inner: Consumer, classify: Condition, logger: Logger, metrics: SelfMetrics) {
    this.#inner = inner;
    // The filtered batch shares records with the one it came from: a mutating exporter must
    // still be handed a copy by the fan-out, so the guard declares what the exporter does.
    this.mutates = inner.mutates;
    this.durable = inner.durable === true;
    this.#signal = signal;
    this.#component = `exporter/${id}`;
    this.#partitioner = new Partitioner(signal, [{ cond: classify, mask: CLASSIFIED }], KEPT, true, 2);
    this.#logger = logger;
    this.#metrics = metrics;
  }

  consume(batch: Batch): Promise<void> {
    // Still protobuf bytes and no security scope in them (read from the scopes alone, when the
    // classification looks no deeper): the batch as it is, nothing decoded.
    if (!batch.decoded && this.#partitioner.uniformMaskOfProto(batch.toProto()) === KEPT) return this.#inner.consume(batch);
    const p = this.#partitioner.split(batch.data);
    if (p.items[0] === 0) return this.#inner.consume(batch); // nothing classified: the batch as it is
    this.#dropped(p.items[0]);
    if (p.parts[1] === undefined) return Promise.resolve();
    // Copy-on-write: a new batch of the other records; the shared one is left as it was.
    return this.#inner.consume(Batch.of(this.#signal, p.parts[1], p.items[1]));
  }

  #dropped(n: number): void {
    this.#metrics.dropped(this.#component, this.#signal, Reason.security_guard, n);
    this.#unreported += n;
    const now = Date.now();
    if (now - this.#lastWarn < WARN_INTERVAL_MS) return;
    this.#logger.warn(
      { dropped: this.#unreported, reason: Reason.security_guard },
      'security records reached an exporter that is not in service.security.sinks and were dropped; `genrf-collector validate` with enforce: true shows the path they took',
    );
    this.#lastWarn = now;
    this.#unreported = 0;
  }
}

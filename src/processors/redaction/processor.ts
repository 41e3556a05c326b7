// The redaction processor: scrubs PII and secrets from every string of a batch (log bodies,
// attributes at record, scope and resource level, span names, events, links and status
// messages, data point attributes and exemplars) before it travels on.
//
// Fail closed: a record whose scrubbing throws is dropped and counted (`redaction_failed`),
// never passed on as it came. A resource or scope whose attributes cannot be scrubbed takes
// its records with it.
import type { Logger } from 'pino';
import type { Batch } from '../../pdata/batch.ts';
import { isDecodeFailure } from '../../pdata/errors.ts';
import { dataPointsOf } from '../../pdata/points.ts';
import type { InstrumentationScope, KeyValue, LogRecord, LogsData, Metric, MetricsData, Signal, SignalData, Span, TracesData } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import { ConsumerError, type Consumer } from '../../pipeline/consumer.ts';
import type { RedactionMetrics, SelfMetrics } from '../../telemetry/metrics.ts';
import type { RedactionProcessorConfig } from './config.ts';
import { Scrubber } from './scrubber.ts';
import { addSummary } from './summary.ts';
import { Tally } from './tally.ts';
import { Reason } from '../../telemetry/drop-reasons.ts';

export class RedactionProcessor implements Processor {
  readonly mutates = true;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #logger: Logger;
  readonly #component: string;
  readonly #metrics: SelfMetrics;
  readonly #redactions: RedactionMetrics;
  readonly #scrubber: Scrubber;
  readonly #tally: Tally;
  readonly #summary: boolean;
  /** Redactions per label in the current batch, flushed to the counter once per batch. */
  readonly #batchCounts: Int32Array;
  #failed = 0;
  #droppedByAction = 0;
  #firstError: unknown;

  constructor(settings: CreateSettings, config: RedactionProcessorConfig, signal: Signal, next: Consumer, env: NodeJS.ProcessEnv = process.env) {
    this.#signal = signal;
    this.#next = next;
    this.#logger = settings.logger;
    this.#component = `processor/${settings.id.text}`;
    this.#metrics = settings.metrics;
    this.#scrubber = new Scrubber(config, env, settings.id.text);
    this.#redactions = settings.metrics.redaction(settings.id.text, this.#scrubber.labels);
    this.#tally = new Tally(this.#scrubber.labels.length, config.summary === 'debug');
    this.#summary = config.summary !== 'silent';
    this.#batchCounts = new Int32Array(this.#scrubber.labels.length);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  /** The scrubber, for tests and benchmarks that work on strings. */
  get scrubber(): Scrubber {
    return this.#scrubber;
  }

  consume(batch: Batch): Promise<void> {
    try {
      this.#process(this.#signal, batch.mutableData());
    } catch (err) {
      // A merged batch that cannot be decoded: the batch processor before us hands its
      // requests on one by one, so only the bad one is lost (and counted there).
      if (batch.sourceCount > 1 && isDecodeFailure(err)) return Promise.reject(ConsumerError.from(err));
      // Outside any one record (a malformed structure): the whole batch goes, unscrubbed data never on.
      const items = safeItems(batch);
      this.#fail(err, items);
      this.#flush();
      return Promise.reject(ConsumerError.permanent(Reason.redaction_failed, `${this.#component}: could not scrub the batch; its ${items} items were dropped`, items));
    }
    this.#flush();
    if (batch.items === 0) return Promise.resolve();
    return this.#next.consume(batch);
  }

  /** Scrubs decoded data in place (what consume does, without handing it on). */
  process<S extends Signal>(signal: S, data: SignalData[S]): void {
    this.#process(signal, data);
    this.#flush();
  }

  #process(signal: Signal, data: SignalData[Signal]): void {
    if (signal === 'logs') this.#logs(data as LogsData);
    else if (signal === 'traces') this.#traces(data as TracesData);
    else this.#metricsData(data as MetricsData);
  }

  #logs(data: LogsData): void {
    let prune = false;
    for (const rl of data.resourceLogs) {
      if (!this.#group(rl.resource.attributes, () => rl.scopeLogs.reduce((n, s) => n + s.logRecords.length, 0))) {
        rl.scopeLogs.length = 0;
        prune = true;
        continue;
      }
      for (const sl of rl.scopeLogs) {
        const recs = sl.logRecords;
        if (!this.#scope(sl.scope, () => recs.length)) {
          recs.length = 0;
          prune = true;
          continue;
        }
        let w = 0;
        for (let r = 0; r < recs.length; r++) if (this.#log(recs[r])) recs[w++] = recs[r];
        if (w !== recs.length) prune = true;
        recs.length = w;
      }
    }
    if (prune) data.resourceLogs = data.resourceLogs.filter((rl) => (rl.scopeLogs = rl.scopeLogs.filter((sl) => sl.logRecords.length > 0)).length > 0);
  }

  #traces(data: TracesData): void {
    let prune = false;
    for (const rs of data.resourceSpans) {
      if (!this.#group(rs.resource.attributes, () => rs.scopeSpans.reduce((n, s) => n + s.spans.length, 0))) {
        rs.scopeSpans.length = 0;
        prune = true;
        continue;
      }
      for (const ss of rs.scopeSpans) {
        const spans = ss.spans;
        if (!this.#scope(ss.scope, () => spans.length)) {
          spans.length = 0;
          prune = true;
          continue;
        }
        let w = 0;
        for (let r = 0; r < spans.length; r++) if (this.#span(spans[r])) spans[w++] = spans[r];
        if (w !== spans.length) prune = true;
        spans.length = w;
      }
    }
    if (prune) data.resourceSpans = data.resourceSpans.filter((rs) => (rs.scopeSpans = rs.scopeSpans.filter((ss) => ss.spans.length > 0)).length > 0);
  }

  #metricsData(data: MetricsData): void {
    let prune = false;
    for (const rm of data.resourceMetrics) {
      if (!this.#group(rm.resource.attributes, () => rm.scopeMetrics.reduce((n, s) => n + s.metrics.reduce((k, m) => k + points(m).length, 0), 0))) {
        rm.scopeMetrics.length = 0;
        prune = true;
        continue;
      }
      for (const sm of rm.scopeMetrics) {
        if (!this.#scope(sm.scope, () => sm.metrics.reduce((k, m) => k + points(m).length, 0))) {
          sm.metrics.length = 0;
          prune = true;
          continue;
        }
        for (const m of sm.metrics) {
          if (!this.#metric(m)) {
            m.name = '';
            points(m).length = 0;
            prune = true;
            continue;
          }
          const dps = points(m);
          let w = 0;
          for (let r = 0; r < dps.length; r++) if (this.#point(dps[r])) dps[w++] = dps[r];
          if (w !== dps.length) prune = true;
          dps.length = w;
        }
      }
    }
    if (prune) {
      data.resourceMetrics = data.resourceMetrics.filter(
        (rm) => (rm.scopeMetrics = rm.scopeMetrics.filter((sm) => (sm.metrics = sm.metrics.filter((m) => points(m).length > 0)).length > 0)).length > 0,
      );
    }
  }

  /** Resource or scope attributes. False when the records under them must be dropped; `items` counts them. */
  #group(attrs: KeyValue[], items: () => number, scope?: InstrumentationScope): boolean {
    if (attrs.length === 0 && scope === undefined) return true;
    const t = this.#tally;
    t.reset();
    try {
      if (scope !== undefined) {
        if (scope.name !== '') scope.name = this.#text(scope.name);
        if (scope.version !== '') scope.version = this.#text(scope.version);
      }
      this.#scrubber.scrubAttributes(attrs, t, true);
    } catch (err) {
      this.#fail(err, items());
      return false;
    }
    return this.#finish(attrs, items);
  }

  /** A scope: its name, version and attributes. */
  #scope(scope: InstrumentationScope, items: () => number): boolean {
    return this.#group(scope.attributes, items, scope);
  }

  /** A metric's name, description and metadata (its points are scrubbed one by one). */
  #metric(m: Metric): boolean {
    const t = this.#tally;
    t.reset();
    try {
      m.name = this.#text(m.name);
      if (m.description !== '') m.description = this.#text(m.description);
      if (m.metadata.length > 0) this.#scrubber.scrubAttributes(m.metadata, t, false);
    } catch (err) {
      this.#fail(err, points(m).length);
      return false;
    }
    return this.#finish(m.metadata, () => points(m).length);
  }

  #log(rec: LogRecord): boolean {
    const t = this.#tally;
    t.reset();
    try {
      const body = rec.body;
      if (body !== undefined) {
        const s = this.#scrubber;
        s.dropAttribute = false;
        s.scrubValue(body, t);
        if (s.dropAttribute) rec.body = { stringValue: s.token(s.dropLabel) };
        s.dropAttribute = false;
      }
      if (rec.eventName !== '') rec.eventName = this.#text(rec.eventName);
      this.#scrubber.scrubAttributes(rec.attributes, t, true);
    } catch (err) {
      this.#fail(err, 1);
      return false;
    }
    return this.#finish(rec.attributes, ONE);
  }

  #span(span: Span): boolean {
    const t = this.#tally;
    const s = this.#scrubber;
    t.reset();
    try {
      span.name = this.#text(span.name);
      s.scrubAttributes(span.attributes, t, true);
      for (const e of span.events) {
        e.name = this.#text(e.name);
        s.scrubAttributes(e.attributes, t, true);
      }
      for (const l of span.links) s.scrubAttributes(l.attributes, t, true);
      if (span.status.message !== '') span.status.message = this.#text(span.status.message);
    } catch (err) {
      this.#fail(err, 1);
      return false;
    }
    return this.#finish(span.attributes, ONE);
  }

  #point(dp: Point): boolean {
    const t = this.#tally;
    t.reset();
    try {
      this.#scrubber.scrubAttributes(dp.attributes, t, true);
      if (dp.exemplars !== undefined) for (const e of dp.exemplars) this.#scrubber.scrubAttributes(e.filteredAttributes, t, true);
    } catch (err) {
      this.#fail(err, 1);
      return false;
    }
    return this.#finish(dp.attributes, ONE);
  }

  /** A string that is not an attribute value (a name, a message): drop_attribute masks it whole. */
  #text(v: string): string {
    const s = this.#scrubber;
    s.dropAttribute = false;
    let out = s.scrubString(v, this.#tally);
    if (s.dropAttribute) out = s.token(s.dropLabel);
    s.dropAttribute = false;
    return out;
  }

  /** After a record or group: counts, drop_record, summary attributes. */
  #finish(attrs: KeyValue[], items: () => number): boolean {
    const t = this.#tally;
    if (t.total === 0) return true;
    const counts = t.counts;
    for (let i = 0; i < counts.length; i++) this.#batchCounts[i] += counts[i];
    if (t.dropRecord) {
      this.#droppedByAction += items();
      return false;
    }
    if (this.#summary) addSummary(attrs, t, this.#scrubber.labels);
    return true;
  }

  #fail(err: unknown, items: number): void {
    this.#failed += items;
    this.#firstError ??= err;
  }

  #flush(): void {
    const c = this.#batchCounts;
    for (let i = 0; i < c.length; i++) {
      if (c[i] !== 0) {
        this.#redactions.redacted(i, c[i]);
        c[i] = 0;
      }
    }
    if (this.#droppedByAction > 0) {
      this.#metrics.dropped(this.#component, this.#signal, Reason.redaction_drop_record, this.#droppedByAction);
      this.#droppedByAction = 0;
    }
    if (this.#failed > 0) {
      this.#metrics.dropped(this.#component, this.#signal, Reason.redaction_failed, this.#failed);
      // Only the error's type and stack: a message could quote the data being scrubbed.
      const err = this.#firstError as Error | undefined;
      this.#logger.error(
        { items: this.#failed, error: err?.name ?? typeof err, stack: err?.stack?.split('\n').slice(1, 6).join('\n') },
        `${this.#component}: scrubbing failed; the affected ${this.#signal} were dropped (fail closed)`,
      );
      this.#failed = 0;
      this.#firstError = undefined;
    }
  }
}

const ONE = (): number => 1;

function safeItems(batch: Batch): number {
  try {
    return batch.items;
  } catch {
    return 0;
  }
}

/** Any data point: summary points have no exemplars. */
type Point = { attributes: KeyValue[]; exemplars?: Array<{ filteredAttributes: KeyValue[] }> };

function points(m: Metric): Point[] {
  return dataPointsOf(m) as Point[];
}

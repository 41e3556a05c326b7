// The attributes processor: applies actions to the attributes of spans, log records and
// metric data points, optionally only to those an include condition selects and an exclude
// condition does not. Conditions are evaluated down OTLP's hierarchy, so a resource or scope
// that cannot match is skipped as a whole and its records are never looked at.
import type { Batch } from '../../pdata/batch.ts';
import type { LogsData, MetricsData, Signal, TracesData } from '../../pdata/types.ts';
import type { CreateSettings, Processor } from '../../pipeline/component.ts';
import type { Consumer } from '../../pipeline/consumer.ts';
import { dataPointsOf } from '../../match/points.ts';
import { applyActions } from '../../actions/actions.ts';
import { compileEdits, type Edits } from '../../actions/edits.ts';
import type { AttributesProcessorConfig } from './config.ts';

export class AttributesProcessor implements Processor {
  readonly mutates = true;
  readonly #signal: Signal;
  readonly #next: Consumer;
  readonly #edits: Edits;

  constructor(settings: CreateSettings, config: AttributesProcessorConfig, signal: Signal, next: Consumer) {
    this.#signal = signal;
    this.#next = next;
    this.#edits = compileEdits(settings.id.text, signal, config.actions, config);
  }

  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}

  consume(batch: Batch): Promise<void> {
    const data = batch.mutableData();
    if (this.#signal === 'traces') this.#traces(data as TracesData);
    else if (this.#signal === 'logs') this.#logs(data as LogsData);
    else this.#metrics(data as MetricsData);
    return this.#next.consume(batch);
  }

  #traces(data: TracesData): void {
    const { actions, include: inc, exclude: exc } = this.#edits;
    const incRecord = inc?.levels.record;
    for (const rs of data.resourceSpans) {
      if (inc !== undefined && !inc.matchResource(rs.resource)) continue;
      const excResource = exc?.matchResource(rs.resource);
      for (const ss of rs.scopeSpans) {
        if (inc !== undefined && !inc.matchScope(ss.scope)) continue;
        const excScope = excResource && exc!.matchScope(ss.scope);
        if (excScope && !exc!.levels.record) continue; // every record of the scope is excluded
        const spans = ss.spans;
        for (let i = 0; i < spans.length; i++) {
          const span = spans[i];
          if (incRecord && !inc.matchSpan(span)) continue;
          if (excScope && exc!.matchSpan(span)) continue;
          applyActions(actions, span.attributes);
        }
      }
    }
  }

  #logs(data: LogsData): void {
    const { actions, include: inc, exclude: exc } = this.#edits;
    const incRecord = inc?.levels.record;
    for (const rl of data.resourceLogs) {
      if (inc !== undefined && !inc.matchResource(rl.resource)) continue;
      const excResource = exc?.matchResource(rl.resource);
      for (const sl of rl.scopeLogs) {
        if (inc !== undefined && !inc.matchScope(sl.scope)) continue;
        const excScope = excResource && exc!.matchScope(sl.scope);
        if (excScope && !exc!.levels.record) continue;
        const recs = sl.logRecords;
        for (let i = 0; i < recs.length; i++) {
          const rec = recs[i];
          if (incRecord && !inc.matchLog(rec)) continue;
          if (excScope && exc!.matchLog(rec)) continue;
          applyActions(actions, rec.attributes);
        }
      }
    }
  }

  #metrics(data: MetricsData): void {
    const { actions, include: inc, exclude: exc } = this.#edits;
    const incRecord = inc?.levels.record;
    for (const rm of data.resourceMetrics) {
      if (inc !== undefined && !inc.matchResource(rm.resource)) continue;
      const excResource = exc?.matchResource(rm.resource);
      for (const sm of rm.scopeMetrics) {
        if (inc !== undefined && !inc.matchScope(sm.scope)) continue;
        const excScope = excResource && exc!.matchScope(sm.scope);
        if (excScope && !exc!.levels.record) continue;
        for (const m of sm.metrics) {
          if (incRecord && !inc.matchMetric(m)) continue;
          const excMetric = excScope && exc!.matchMetric(m);
          const points = dataPointsOf(m);
          for (let i = 0; i < points.length; i++) {
            const attrs = points[i].attributes;
            if (incRecord && !inc.matchDataPointAttributes(attrs)) continue;
            if (excMetric && exc!.matchDataPointAttributes(attrs)) continue;
            applyActions(actions, attrs);
          }
        }
      }
    }
  }
}

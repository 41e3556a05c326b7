// A client that sends numbered log records (bodies `<tag>-<n>`) to the daemon over
// OTLP/HTTP protobuf at a set rate and remembers which numbers were acknowledged (HTTP 200).
// It never retries: a request that failed (refused, connection reset by a kill) is simply
// not acknowledged, so every record delivered twice was duplicated by the daemon, and every
// acknowledged record missing was lost by it.
import { Agent, request } from 'node:http';
import { logsProto } from '../../e2e/helpers/proto.ts';
import { encodeProto } from '../../../src/pdata/proto/index.ts';

export interface LoadOptions {
  port: number;
  /** Records per second, all workers together. */
  rate: number;
  /** Records per request. */
  perRequest?: number;
  /** Requests in flight at most. */
  concurrency?: number;
  tag?: string;
  /** First record number. */
  from?: number;
  /** Default logs (protobuf, bodies `<tag>-<n>`); traces are OTLP/JSON spans named `<tag>-<n>`. */
  signal?: 'logs' | 'traces';
  /** The instrumentation scope of the log records (default genrf.e2e), e.g. genrf.security. */
  scope?: string;
}

/** OTLP/protobuf logs with bodies `<tag>-<i>` under instrumentation scope `scope`. */
function logsWithScope(tag: string, n: number, from: number, scope: string): Uint8Array {
  const logRecords = [];
  for (let i = from; i < from + n; i++) {
    logRecords.push({
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `${tag}-${i}` },
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    });
  }
  return encodeProto('logs', {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-faults' } }], droppedAttributesCount: 0 },
        scopeLogs: [{ scope: { name: scope, version: '', attributes: [], droppedAttributesCount: 0 }, logRecords, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  } as never);
}

/** OTLP/JSON spans named `<tag>-<i>`, one trace per request, ids unique per number. */
function tracesJson(tag: string, n: number, from: number): Uint8Array {
  const spans = [];
  for (let i = from; i < from + n; i++) {
    spans.push({
      traceId: ((0xfa17n << 64n) | BigInt(from)).toString(16).padStart(32, '0'),
      spanId: (0x1000_0000_0000_0000n + BigInt(i)).toString(16).padStart(16, '0'),
      name: `${tag}-${i}`,
      kind: 1,
      startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
      endTimeUnixNano: String(BigInt(Date.now() + 1) * 1_000_000n),
    });
  }
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: tag } }] }, scopeSpans: [{ scope: { name: 'genrf.faults' }, spans }] }],
    }),
  );
}

export class NumberedLoad {
  readonly tag: string;
  readonly #o: Required<Omit<LoadOptions, 'scope'>> & { scope?: string };
  readonly #agent: Agent;
  /** Acknowledged numbers: acked[n - from] === 1. */
  acked = new Uint8Array(1 << 20);
  #next: number;
  #stopped = false;
  #workers: Promise<void>[] = [];
  /** Requests answered with each status (0 = no answer: connection refused or reset). */
  readonly statuses = new Map<number, number>();
  #started = 0;
  #sentRecords = 0;

  constructor(o: LoadOptions) {
    this.#o = { perRequest: 100, concurrency: 16, tag: 'fault', from: 0, signal: 'logs', ...o };
    this.tag = this.#o.tag;
    this.#next = this.#o.from;
    this.#agent = new Agent({ keepAlive: true, maxSockets: this.#o.concurrency });
  }

  /** Numbers handed out so far (sent or being sent). */
  get issued(): number {
    return this.#next - this.#o.from;
  }

  get acknowledged(): number {
    let n = 0;
    for (let i = 0; i < this.issued; i++) n += this.acked[i];
    return n;
  }

  /** Sends to another port from now on (a daemon restarted elsewhere). */
  set port(port: number) {
    this.#o.port = port;
  }

  start(): this {
    this.#started = performance.now();
    for (let i = 0; i < this.#o.concurrency; i++) this.#workers.push(this.#worker());
    return this;
  }

  /** Stops sending and waits for the requests in flight to be answered or to fail. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#workers);
    this.#agent.destroy();
  }

  async #worker(): Promise<void> {
    const { perRequest, rate } = this.#o;
    while (!this.#stopped) {
      // Pace: the records sent so far should have taken this long at `rate`.
      const due = this.#started + (this.#sentRecords / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.#stopped) break;
      const from = this.#next;
      this.#next += perRequest;
      this.#sentRecords += perRequest;
      if (this.#next - this.#o.from > this.acked.length) this.#grow();
      const body =
        this.#o.signal === 'traces'
          ? tracesJson(this.tag, perRequest, from)
          : this.#o.scope === undefined
            ? logsProto(this.tag, perRequest, from)
            : logsWithScope(this.tag, perRequest, from, this.#o.scope);
      const status = await this.#post(body);
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      if (status === 200) this.acked.fill(1, from - this.#o.from, from - this.#o.from + perRequest);
      else if (status === 0) await new Promise((r) => setTimeout(r, 20)); // the daemon is down
    }
  }

  #grow(): void {
    const bigger = new Uint8Array(this.acked.length * 2);
    bigger.set(this.acked);
    this.acked = bigger;
  }

  #post(body: Uint8Array): Promise<number> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.#o.port,
          path: `/v1/${this.#o.signal}`,
          method: 'POST',
          agent: this.#agent,
          headers: { 'content-type': this.#o.signal === 'logs' ? 'application/x-protobuf' : 'application/json', 'content-length': body.length },
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end(body);
    });
  }
}

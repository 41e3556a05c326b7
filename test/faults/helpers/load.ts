// A client that sends numbered log records (bodies `<tag>-<n>`) to the daemon over
// OTLP/HTTP protobuf at a set rate and remembers which numbers were acknowledged (HTTP 200).
// It never retries: a request that failed (refused, connection reset by a kill) is simply
// not acknowledged, so every record delivered twice was duplicated by the daemon, and every
// acknowledged record missing was lost by it.
import { Agent, request } from 'node:http';
import { logsProto } from '../../e2e/helpers/proto.ts';

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
}

export class NumberedLoad {
  readonly tag: string;
  readonly #o: Required<LoadOptions>;
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
    this.#o = { perRequest: 100, concurrency: 16, tag: 'fault', from: 0, ...o };
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
      const status = await this.#post(logsProto(this.tag, perRequest, from));
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
      const req = request({
        host: '127.0.0.1', port: this.#o.port, path: '/v1/logs', method: 'POST', agent: this.#agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        timeout: 30_000,
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
      req.end(body);
    });
  }
}

// GET /api/tap?component=<id@pipeline>[&limit=N]: a live sample of the records leaving a
// component, as NDJSON (one line per sample, then a closing line with the counts). The
// sampling runs inside the pipeline, rate limited and bounded (see pipeline/tap.ts); this
// side only drains samples into the response as fast as the client reads.
import type { ServerResponse } from 'node:http';
import type { Host } from '../../pipeline/component.ts';
import { TapSession, type TapFilter, type TapPoint } from '../../pipeline/tap.ts';
import type { StatusConfig } from './config.ts';

const MAX_LIMIT = 100_000;

export class TapRoute {
  readonly #config: StatusConfig['tap'];
  readonly #open = new Set<() => void>();

  constructor(config: StatusConfig['tap']) {
    this.#config = config;
  }

  /** Ends every open tap (the daemon stops or reloads): each gets a closing line saying why. */
  closeAll(why: string): void {
    this.#why = why;
    for (const end of [...this.#open]) end();
  }

  #why = 'stopped';

  handle(host: Host, url: URL, res: ServerResponse): void {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    if (!this.#config.enabled) {
      json(403, { error: 'the tap is off: set tap.enabled: true in the status extension to allow it' });
      return;
    }
    const key = url.searchParams.get('component') ?? '';
    const points = host.tapPoints?.().get(key);
    if (!points || points.length === 0) {
      const known = [...(host.tapPoints?.().keys() ?? [])].sort();
      json(404, { error: `no component "${key}" to tap: give id@pipeline, one of: ${known.join(', ')}` });
      return;
    }
    const limitText = url.searchParams.get('limit') ?? '0';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
      json(400, { error: `limit must be a whole number from 0 (no limit) to ${MAX_LIMIT}, not "${limitText}"` });
      return;
    }
    const decision = host.tapPolicy?.(points[0].info) ?? { allow: true as const };
    if (!decision.allow) {
      json(403, { error: decision.reason });
      return;
    }
    if (this.#open.size >= this.#config.max_sessions) {
      json(429, { error: `${this.#open.size} taps are open (tap.max_sessions): close one and try again` });
      return;
    }
    this.#stream(points, decision.filter, decision.note, limit, res);
  }

  #stream(points: readonly TapPoint[], filter: TapFilter | undefined, note: string | undefined, limit: number, res: ServerResponse): void {
    const info = points[0].info;
    let scheduled = false;
    let waiting = false;
    let ended = false;
    const session = new TapSession({
      ratePerSecond: this.#config.max_records_per_second,
      limit,
      buffer: this.#config.buffer,
      filter,
      wake: () => {
        if (scheduled || waiting) return;
        scheduled = true;
        setImmediate(flush);
      },
    });
    const detach = points.map((p) => p.attach(session.listener));
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      for (const d of detach) d();
      this.#open.delete(close);
      clearInterval(heartbeat);
      for (const s of session.take()) write(s);
      res.end(`${JSON.stringify({ end: why, dropped_samples: session.dropped, skipped: session.skipped, withheld: session.withheld })}\n`);
    };
    const close = () => end(this.#why);
    const write = (s: { time: number; signal: string; records: number; otlp: string }): boolean => res.write(`{"time":${s.time},"signal":"${s.signal}","records":${s.records},"data":${s.otlp}}\n`);
    const flush = () => {
      scheduled = false;
      if (ended) return;
      for (const s of session.take()) {
        if (!write(s)) {
          // The client reads slowly: hold the samples in the session (bounded) until it drains.
          waiting = true;
          res.once('drain', () => {
            waiting = false;
            flush();
          });
          break;
        }
      }
      if (session.done) end('limit');
    };
    // A line now and then, so that a client can tell a quiet component from a dead stream.
    const heartbeat = setInterval(() => {
      if (!waiting) res.write(`${JSON.stringify({ heartbeat: Date.now(), skipped: session.skipped, withheld: session.withheld })}\n`);
    }, 5000);
    heartbeat.unref();
    this.#open.add(close);
    res.on('close', () => {
      ended = true;
      for (const d of detach) d();
      this.#open.delete(close);
      clearInterval(heartbeat);
    });
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.write(`${JSON.stringify({ tap: info.key, kind: info.kind, signal: info.signal, limit, rate: this.#config.max_records_per_second, ...(note ? { note } : {}) })}\n`);
  }
}

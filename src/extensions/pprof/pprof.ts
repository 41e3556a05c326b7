import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import { pipeline } from 'node:stream/promises';
import { getHeapSnapshot } from 'node:v8';
import type { Logger } from 'pino';
import type { CreateSettings, Extension, Host } from '../../pipeline/component.ts';
import { sleep } from '../../net/backoff.ts';
import { closeServer, listen, portOf } from '../../net/listen.ts';
import type { PprofConfig } from './config.ts';

// The pprof extension, after otelcol's: profiles of the running daemon on demand, in the
// formats Node's own tools read. A CPU profile comes from V8's sampling profiler through an
// inspector session in this thread (Chrome DevTools and speedscope open the .cpuprofile); a
// heap snapshot is V8's (.heapsnapshot, DevTools' Memory tab). One at a time: a profile costs
// CPU and a snapshot memory, and two at once measure each other.

const INDEX = `genrf-collector pprof
/debug/pprof/profile?seconds=N  V8 CPU profile of the next N seconds (.cpuprofile: Chrome DevTools, speedscope)
/debug/pprof/heap               V8 heap snapshot (.heapsnapshot: Chrome DevTools > Memory); pauses the daemon while it is taken
`;

const send = (res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}) =>
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text.endsWith('\n') ? text : `${text}\n`);

export class PprofExtension implements Extension {
  readonly #config: PprofConfig;
  readonly #logger: Logger;
  readonly #stop = new AbortController();
  #server: Server | undefined;
  /** What is being taken now, and when it ends (for Retry-After). */
  #busy: { what: string; until: number } | undefined;

  constructor(settings: CreateSettings, config: PprofConfig) {
    this.#config = config;
    this.#logger = settings.logger;
  }

  get port(): number | undefined {
    return portOf(this.#server);
  }

  async start(_host: Host): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#logger.warn({ err: (err as Error).message }, 'pprof: request failed');
        if (!res.headersSent) send(res, 500, `pprof: ${(err as Error).message}`);
        else res.destroy();
      });
    });
    await listen(server, this.#config.endpoint, 'pprof');
    this.#server = server;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://pprof');
    if (req.method !== 'GET') return void send(res, 405, 'pprof: only GET', { allow: 'GET' });
    switch (url.pathname) {
      case '/debug/pprof':
      case '/debug/pprof/':
        return void send(res, 200, INDEX);
      case '/debug/pprof/profile':
        return this.#profile(url, res);
      case '/debug/pprof/heap':
        return this.#heap(res);
      default:
        return void send(res, 404, `not found: ${url.pathname}\n\n${INDEX}`);
    }
  }

  /** Takes the slot or answers 429 with when to come back; false when busy. */
  #claim(res: ServerResponse, what: string, ms: number): boolean {
    const busy = this.#busy;
    if (busy !== undefined) {
      const after = Math.max(1, Math.ceil((busy.until - Date.now()) / 1000));
      send(res, 429, `pprof: a ${busy.what} is being taken; one at a time (retry in ${after}s)`, { 'retry-after': String(after) });
      return false;
    }
    this.#busy = { what, until: Date.now() + ms };
    return true;
  }

  async #profile(url: URL, res: ServerResponse): Promise<void> {
    const { max_seconds: max, default_seconds: dflt } = this.#config;
    const given = url.searchParams.get('seconds');
    const seconds = given === null ? Math.min(dflt, max) : /^\d+$/.test(given) ? Number(given) : NaN;
    if (!(seconds >= 1 && seconds <= max)) {
      return void send(res, 400, `pprof: seconds must be a whole number from 1 to ${max} (max_seconds), got "${given}"`);
    }
    if (!this.#claim(res, 'CPU profile', seconds * 1000)) return;
    // The client that hangs up ends the profile early; so does the daemon's shutdown.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const session = new Session();
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: this.#config.sampling_interval_us });
      await session.post('Profiler.start');
      await sleep(seconds * 1000, AbortSignal.any([gone.signal, this.#stop.signal]));
      const { profile } = await session.post('Profiler.stop');
      if (gone.signal.aborted) return;
      const body = JSON.stringify(profile);
      this.#logger.info({ seconds, samples: profile.samples?.length ?? 0, bytes: body.length }, 'pprof: CPU profile taken');
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'content-disposition': `attachment; filename="genrf-collector-${stamp()}.cpuprofile"`,
        })
        .end(body);
    } finally {
      session.disconnect();
      this.#busy = undefined;
    }
  }

  async #heap(res: ServerResponse): Promise<void> {
    // The snapshot is taken synchronously (the daemon pauses for about a second per 100 MB of
    // heap), then streamed with backpressure.
    if (!this.#claim(res, 'heap snapshot', 10_000)) return;
    try {
      const started = Date.now();
      const snapshot = getHeapSnapshot();
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-disposition': `attachment; filename="genrf-collector-${stamp()}.heapsnapshot"`,
      });
      await pipeline(snapshot, res);
      this.#logger.info({ ms: Date.now() - started, heap_bytes: process.memoryUsage().heapUsed }, 'pprof: heap snapshot taken');
    } finally {
      this.#busy = undefined;
    }
  }

  async shutdown(): Promise<void> {
    this.#stop.abort();
    const server = this.#server;
    this.#server = undefined;
    await closeServer(server);
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

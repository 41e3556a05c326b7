import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { SelfMetrics } from './metrics.ts';
import { closeServer, portOf } from '../net/listen.ts';
import { startHttpServer } from '../net/http-server.ts';
import { AuthGuard } from '../net/auth.ts';
import type { ServerTlsConfig } from '../net/tls-config.ts';
import { silentLogger } from './logger.ts';
import { gzip } from 'node:zlib';
import { negotiate } from '../prom/exposition.ts';

/**
 * Serves the daemon's own metrics at `GET /metrics` (default 127.0.0.1:8888), text 0.0.4 or
 * OpenMetrics, over TLS when `tls` is given (mutual TLS with client_ca_file). It outlives
 * reloads, so it takes no authenticator extension: a client certificate is its credential.
 */
export class MetricsServer {
  readonly #metrics: SelfMetrics;
  readonly #endpoint: string;
  readonly #tls: ServerTlsConfig | undefined;
  readonly #logger: Logger;
  #server: Server | undefined;

  constructor(metrics: SelfMetrics, endpoint: string, opts: { tls?: ServerTlsConfig; logger?: Logger } = {}) {
    this.#metrics = metrics;
    this.#endpoint = endpoint;
    this.#tls = opts.tls;
    this.#logger = opts.logger ?? silentLogger();
  }

  get port(): number | undefined {
    return portOf(this.#server);
  }

  async start(): Promise<void> {
    const listener = 'self metrics';
    this.#server = await startHttpServer({
      who: listener,
      listener,
      endpoint: this.#endpoint,
      logger: this.#logger,
      tls: this.#tls,
      guard: new AuthGuard(undefined, listener, this.#metrics.authFailures(listener), this.#logger),
      handler: (req, res) => this.#handle(req, res),
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url !== '/metrics' && !req.url?.startsWith('/metrics?')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the daemon serves its metrics at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    // The prometheus exporter's negotiation: OpenMetrics when asked for, gzip when accepted.
    const format = negotiate(req.headers.accept);
    this.#metrics.render(format).then(
      (text) => {
        const headers = { 'content-type': this.#metrics.contentTypeOf(format) };
        if (req.method === 'HEAD') res.writeHead(200, headers).end();
        else if (!/\bgzip\b/i.test(req.headers['accept-encoding'] ?? '')) res.writeHead(200, headers).end(text);
        else gzip(text, (err, zipped) => (err ? res.writeHead(200, headers).end(text) : res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(zipped)));
      },
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  }

  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await closeServer(server);
  }
}

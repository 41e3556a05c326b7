import { createServer, type Server } from 'node:http';
import type { SelfMetrics } from './metrics.ts';
import { closeServer, listen, portOf } from '../net/listen.ts';
import { gzip } from 'node:zlib';
import { negotiate } from '../prom/exposition.ts';

/** Serves the daemon's own metrics at `GET /metrics` (default 127.0.0.1:8888), text 0.0.4 or OpenMetrics. */
export class MetricsServer {
  readonly #metrics: SelfMetrics;
  readonly #endpoint: string;
  #server: Server | undefined;

  constructor(metrics: SelfMetrics, endpoint: string) {
    this.#metrics = metrics;
    this.#endpoint = endpoint;
  }

  get port(): number | undefined {
    return portOf(this.#server);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
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
    });
    await listen(server, this.#endpoint, 'self metrics');
    this.#server = server;
  }

  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await closeServer(server);
  }
}

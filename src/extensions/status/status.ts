import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { CreateSettings, Extension, Host } from '../../pipeline/component.ts';
import { portOf } from '../../net/listen.ts';
import { startHttpServer } from '../../net/http-server.ts';
import { authGuard } from '../../net/auth.ts';
import type { StatusConfig } from './config.ts';
import { buildDocument, HealthHistory, type StatusDocument } from './document.ts';
import { handleReload, readToken } from './reload-route.ts';
import { TapRoute } from './tap-route.ts';

// The page is three small files served as they are: no framework, no external asset (the
// Content-Security-Policy below forbids any), so it works offline and in locked-down clusters.
const PAGE_DIR = join(import.meta.dirname, 'page');
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/status.js': { file: 'status.js', type: 'text/javascript; charset=utf-8' },
  '/status.css': { file: 'status.css', type: 'text/css; charset=utf-8' },
};
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

export class StatusExtension implements Extension {
  readonly #settings: CreateSettings;
  readonly #config: StatusConfig;
  readonly #history = new HealthHistory();
  readonly #tap: TapRoute;
  readonly #viewers = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  /** Sockets answering a reload: kept open while this extension stops with the old pipelines. */
  readonly #kept = new Set<Socket>();
  #assets = new Map<string, { body: Buffer; type: string }>();
  #server: Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  #latest: StatusDocument | undefined;

  constructor(settings: CreateSettings, config: StatusConfig) {
    this.#settings = settings;
    this.#config = config;
    this.#tap = new TapRoute(config.tap);
  }

  get port(): number | undefined {
    return portOf(this.#server);
  }

  async start(host: Host): Promise<void> {
    const token = readToken(this.#config.reload);
    for (const [path, a] of Object.entries(ASSETS)) this.#assets.set(path, { body: readFileSync(join(PAGE_DIR, a.file)), type: a.type });
    const { logger, metrics, id } = this.#settings;
    const listener = `extension/${id.text}`;
    const server = await startHttpServer({
      who: 'status',
      listener,
      endpoint: this.#config.endpoint,
      logger,
      tls: this.#config.tls,
      guard: authGuard(host, this.#config.auth, listener, metrics, logger),
      handler: (req, res) => this.#route(host, token, req, res),
    });
    // The sockets requests arrive on (TLS sockets under TLS), so that a reload's own is kept.
    server.on(this.#config.tls ? 'secureConnection' : 'connection', (s: Socket) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    this.#server = server;
    const tick = () => {
      try {
        this.#latest = this.#document(host);
        const event = `data: ${JSON.stringify(this.#latest)}\n\n`;
        // A viewer that does not keep up misses updates rather than making us buffer them.
        for (const res of this.#viewers) if (res.writableLength === 0) res.write(event);
      } catch (err) {
        this.#settings.logger.error({ err }, 'status: building the status document failed');
      }
    };
    tick();
    this.#timer = setInterval(tick, this.#config.refresh_interval);
    this.#timer.unref();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.#timer);
    this.#tap.closeAll('the daemon is stopping or reloading its pipelines');
    for (const res of this.#viewers) res.end();
    this.#viewers.clear();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    // Stop listening at once (the next pipelines may listen here) and drop every connection
    // but those answering a reload, which wait for the reload that is stopping us.
    server.close();
    for (const s of this.#sockets) if (!this.#kept.has(s)) s.destroy();
  }

  #document(host: Host): StatusDocument {
    return buildDocument(host, this.#settings.metrics, this.#history, {
      refreshMs: this.#config.refresh_interval,
      tap: this.#config.tap.enabled,
      reload: this.#config.reload !== undefined,
    });
  }

  #route(host: Host, token: Buffer | undefined, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://status.invalid');
    const path = url.pathname;
    if (path === '/reload') {
      handleReload(host, token, req, res, () => {
        const s = req.socket;
        this.#kept.add(s);
        return () => this.#kept.delete(s);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const asset = this.#assets.get(path === '/index.html' ? '/' : path);
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' }).end(asset.body);
      return;
    }
    switch (path) {
      case '/api/status':
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(this.#document(host)));
        return;
      case '/api/events':
        this.#subscribe(res);
        return;
      case '/favicon.ico':
        res.writeHead(204).end();
        return;
      case '/api/tap':
        this.#tap.handle(host, url, res);
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the status page is at /, its data at /api/status and /api/events\n');
    }
  }

  /** Server-sent events: the document now, then one per refresh_interval. */
  #subscribe(res: ServerResponse): void {
    if (this.#viewers.size >= this.#config.max_viewers) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end(`${this.#viewers.size} pages are open (max_viewers)\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: ${Math.max(500, Math.min(this.#config.refresh_interval, 5000))}\n`);
    if (this.#latest) res.write(`data: ${JSON.stringify(this.#latest)}\n\n`);
    this.#viewers.add(res);
    res.on('close', () => this.#viewers.delete(res));
  }
}

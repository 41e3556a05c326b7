import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import type { Batch } from '../../pdata/batch.ts';
import type { MetricsData, Signal } from '../../pdata/types.ts';
import type { CreateSettings, Exporter, Health, Host } from '../../pipeline/component.ts';
import { closeServer, portOf } from '../../net/listen.ts';
import { startHttpServer } from '../../net/http-server.ts';
import { authGuard } from '../../net/auth.ts';
import type { ExporterMetrics } from '../../telemetry/metrics.ts';
import type { PrometheusExporterConfig } from './config.ts';
import { CONTENT_TYPE, negotiate, render, type Format } from '../../prom/exposition.ts';
import { Ingester } from './ingest.ts';
import { Namer } from '../../prom/naming.ts';
import { Reporter } from './report.ts';
import { SeriesStore } from '../../prom/store.ts';

// A pull exporter: batches update an in-memory series store at once (no queue, nothing to
// retry, never blocks the pipeline) and Prometheus reads the store at `GET /metrics`.

const SWEEP_MAX_MS = 60_000;

export class PrometheusExporter implements Exporter {
  readonly mutates = false;
  readonly store: SeriesStore;
  readonly reporter: Reporter;
  readonly #ingester: Ingester;
  readonly #config: PrometheusExporterConfig;
  readonly #settings: CreateSettings;
  readonly #metrics: ExporterMetrics;
  readonly #utf8: boolean;
  #server: Server | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(settings: CreateSettings, config: PrometheusExporterConfig, signal: Signal) {
    if (signal !== 'metrics') throw new Error(`the prometheus exporter takes metrics only, not ${signal}`);
    this.#settings = settings;
    this.#config = config;
    this.#metrics = settings.metrics.exporter(settings.id.text, signal);
    this.store = new SeriesStore(config.max_series, config.metric_expiration);
    this.reporter = new Reporter(`exporter/${settings.id.text}`, settings.logger, settings.metrics);
    const namer = new Namer(config.namespace, config.translation_strategy);
    this.#utf8 = namer.utf8;
    this.#ingester = new Ingester(this.store, namer, config, this.reporter);
  }

  /** The port listened on (after start), for tests that use port 0. */
  get port(): number | undefined {
    return portOf(this.#server);
  }

  async consume(batch: Batch): Promise<void> {
    if (this.#stopped) return;
    const kept = this.#ingester.consume(batch.data as MetricsData, Date.now());
    this.#metrics.sent(kept);
  }

  /** The exposition, as a scrape in `format` would get it (expired series removed first). */
  scrape(format: Format): string {
    this.store.expire(Date.now());
    return render(this.store, { format, timestamps: this.#config.send_timestamps });
  }

  async start(host?: Host): Promise<void> {
    const { logger, metrics, id } = this.#settings;
    const listener = `exporter/${id.text}`;
    this.#server = await startHttpServer({
      who: `exporter ${id.text}`,
      listener,
      endpoint: this.#config.endpoint,
      logger,
      tls: this.#config.tls,
      guard: authGuard(host, this.#config.auth, listener, metrics, logger),
      handler: (req, res) => this.#handle(req, res),
    });
    const expiration = this.#config.metric_expiration;
    if (expiration > 0) {
      // Frees the memory of stopped series even when nobody scrapes.
      this.#sweep = setInterval(() => this.store.expire(Date.now()), Math.min(expiration, SWEEP_MAX_MS));
      this.#sweep.unref();
    }
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweep);
    const server = this.#server;
    this.#server = undefined;
    await closeServer(server);
  }

  health(): Health {
    return { healthy: true, message: `${this.store.size} series` };
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url?.split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: Prometheus scrapes this exporter at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const format = this.#config.enable_open_metrics ? negotiate(req.headers.accept) : 'text';
    let body: string;
    try {
      body = this.scrape(format);
    } catch (err) {
      // Should not happen (bad data is filtered on the way in), but a scrape must get an answer.
      this.#settings.logger.error({ err }, 'prometheus exporter: rendering the scrape failed');
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`rendering the scrape failed: ${String(err)}\n`);
      return;
    }
    const headers: Record<string, string> = { 'content-type': this.#contentType(format) };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    if (!acceptsGzip(req.headers['accept-encoding'])) {
      res.writeHead(200, headers).end(body);
      return;
    }
    gzip(body, (err, zipped) => {
      if (err) res.writeHead(200, headers).end(body);
      else res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(zipped);
    });
  }

  #contentType(format: Format): string {
    return this.#utf8 ? `${CONTENT_TYPE[format]}; escaping=allow-utf-8` : CONTENT_TYPE[format];
  }
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    if (coding.trim().toLowerCase() !== 'gzip') continue;
    const q = params.find((p) => p.trim().startsWith('q='));
    return q === undefined || Number(q.trim().slice(2)) > 0;
  }
  return false;
}

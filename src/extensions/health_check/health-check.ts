import type { Server } from 'node:http';
import type { CreateSettings, Extension, Host } from '../../pipeline/component.ts';
import { closeServer, portOf } from '../../net/listen.ts';
import { startHttpServer } from '../../net/http-server.ts';
import { authGuard } from '../../net/auth.ts';
import type { HealthCheckConfig } from './config.ts';

/** The guide's health document: one entry per component, 200 when all are healthy, else 503. */
export interface HealthReport {
  /** Seconds since the epoch, as the guide's Python `time.time()` gives. */
  timestamp: number;
  status: 'healthy' | 'unhealthy';
  checks: Record<string, string>;
}

export function healthReport(host: Host): HealthReport {
  const checks: Record<string, string> = {};
  let healthy = true;
  for (const c of host.components()) {
    const h = c.health();
    // A healthy component may add a note (`healthy: replaying 5000 log records ...`) or say
    // what it waits for (`waiting: topic genrf-logs does not exist yet`).
    if (h.healthy) checks[c.id] = h.waiting === true ? `waiting: ${h.message ?? ''}` : h.message ? `healthy: ${h.message}` : 'healthy';
    else {
      healthy = false;
      checks[c.id] = `${h.refusing === true ? 'refusing' : 'unhealthy'}${h.message ? `: ${h.message}` : ''}`;
    }
  }
  return { timestamp: Date.now() / 1000, status: healthy ? 'healthy' : 'unhealthy', checks };
}

export class HealthCheckExtension implements Extension {
  readonly #settings: CreateSettings;
  readonly #config: HealthCheckConfig;
  #server: Server | undefined;

  constructor(settings: CreateSettings, config: HealthCheckConfig) {
    this.#settings = settings;
    this.#config = config;
  }

  get port(): number | undefined {
    return portOf(this.#server);
  }

  async start(host: Host): Promise<void> {
    const c = this.#config;
    const { path, liveness_path: live } = c;
    const started = Date.now();
    const at = (url: string, p: string) => p !== '' && (url === p || url.startsWith(`${p}?`));
    const { logger, metrics, id } = this.#settings;
    const listener = `extension/${id.text}`;
    this.#server = await startHttpServer({
      who: 'health_check',
      listener,
      endpoint: c.endpoint,
      logger,
      tls: c.tls,
      guard: authGuard(host, c.auth, listener, metrics, logger),
      handler: (req, res) => {
        const url = req.url ?? '/';
        if (at(url, live)) {
          // Liveness: answering is the proof. Backends down, topics missing, queues filling are
          // all states the daemon rides out; a restart would only lose what it buffers.
          const body = { timestamp: Date.now() / 1000, status: 'alive', uptime_seconds: Math.round((Date.now() - started) / 1000) };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        if (!at(url, path)) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: the health check is at ${path}\n`);
          return;
        }
        const report = healthReport(host);
        res.writeHead(report.status === 'healthy' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      },
    });
  }

  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await closeServer(server);
  }
}

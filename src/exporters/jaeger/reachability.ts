import { connect } from 'node:net';
import type { Health } from '../../pipeline/component.ts';
import type { OtlpGrpcTransport } from '../../net/grpc-transport.ts';

// Whether Jaeger can be reached, for `/health`, without sending anything. The exporter
// helper already reports unhealthy while the last send failed; these checks add what the
// sends cannot tell: that Jaeger went away (or came back) while no traces flowed.

/**
 * gRPC: the transport's connection state. Asking for it with tryToConnect makes an idle
 * transport connect (no sooner than its reconnect backoff allows), so each `/health` request
 * doubles as a connection attempt; no timer is needed. READY and TRANSIENT_FAILURE are definite; IDLE and CONNECTING keep the last definite answer.
 */
export class GrpcReachability {
  readonly #transport: OtlpGrpcTransport;
  #last: Health = { healthy: true };

  constructor(transport: OtlpGrpcTransport) {
    this.#transport = transport;
  }

  health(): Health {
    const state = this.#transport.connectivity(true);
    if (state === 'ready') this.#last = { healthy: true };
    else if (state === 'transient_failure') {
      this.#last = { healthy: false, message: `Jaeger at ${this.#transport.target} is unreachable (gRPC channel in TRANSIENT_FAILURE)` };
    }
    return this.#last;
  }
}

/** How often, at most, the HTTP check opens a TCP connection. */
export const TCP_PROBE_INTERVAL_MS = 5000;
const TCP_PROBE_TIMEOUT_MS = 2000;

/**
 * HTTP: a TCP connection to the host and port, opened by a `/health` request at most every
 * 5 s; the answer is that of the last finished probe.
 */
export class TcpReachability {
  readonly #host: string;
  readonly #port: number;
  #last: Health = { healthy: true };
  #probedAt = -Infinity;
  #probing = false;

  constructor(url: URL) {
    this.#host = url.hostname.replace(/^\[|\]$/g, '');
    this.#port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }

  health(): Health {
    const now = performance.now();
    if (!this.#probing && now - this.#probedAt >= TCP_PROBE_INTERVAL_MS) {
      this.#probedAt = now;
      this.#probe();
    }
    return this.#last;
  }

  #probe(): void {
    this.#probing = true;
    const socket = connect({ host: this.#host, port: this.#port, timeout: TCP_PROBE_TIMEOUT_MS });
    socket.unref();
    const done = (error: string | undefined) => {
      this.#probing = false;
      socket.destroy();
      this.#last = error === undefined ? { healthy: true } : { healthy: false, message: `Jaeger at ${this.#host}:${this.#port} is unreachable (${error})` };
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(`no answer within ${TCP_PROBE_TIMEOUT_MS} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  }
}

// The otlp receiver: one instance serves every signal it has consumers for, over gRPC and/or
// HTTP. Construction opens nothing (validate builds it); start() binds the ports.
import type { Health, Host, Receiver, ReceiverConsumers, CreateSettings } from '../../pipeline/component.ts';
import type { OtlpReceiverConfig } from './config.ts';
import { OtlpHttpServer } from './http-server.ts';
import { OtlpGrpcServer } from './grpc-server.ts';
import { authGuard, type AuthGuard } from '../../net/auth.ts';
import type { ServerAuthConfig } from '../../net/tls-config.ts';

export interface BoundAddress {
  address: string;
  port: number;
}

export class OtlpReceiver implements Receiver {
  readonly #settings: CreateSettings;
  readonly #http: OtlpHttpServer | undefined;
  readonly #grpc: OtlpGrpcServer | undefined;
  readonly #config: OtlpReceiverConfig;
  #started = false;

  constructor(settings: CreateSettings, config: OtlpReceiverConfig, consumers: ReceiverConsumers) {
    this.#settings = settings;
    this.#config = config;
    const id = settings.id.text;
    const logger = settings.logger;
    const { grpc, http } = config.protocols;
    if (http) {
      this.#http = new OtlpHttpServer({ id, config: http, consumers, metrics: settings.metrics.receiver(id, 'http'), logger });
    }
    if (grpc) {
      this.#grpc = new OtlpGrpcServer({ id, config: grpc, consumers, metrics: settings.metrics.receiver(id, 'grpc'), logger });
    }
  }

  /** The bound addresses once started (tests listen on port 0). */
  get addresses(): { http?: BoundAddress; grpc?: BoundAddress } {
    return { http: this.#http?.address, grpc: this.#grpc?.address };
  }

  async start(host?: Host): Promise<void> {
    const { grpc, http } = this.#config.protocols;
    if (grpc) await this.#grpc?.start(this.#guard(host, 'grpc', grpc.auth));
    try {
      if (http) await this.#http?.start(this.#guard(host, 'http', http.auth));
    } catch (e) {
      // Leave nothing half-open: a failed start must not keep the gRPC port.
      await this.#grpc?.shutdown(this.#settings.shutdownTimeoutMs);
      throw e;
    }
    this.#started = true;
  }

  #guard(host: Host | undefined, transport: string, auth: ServerAuthConfig | undefined): AuthGuard {
    const s = this.#settings;
    return authGuard(host, auth, `receiver/${s.id.text} (${transport})`, s.metrics, s.logger);
  }

  async shutdown(): Promise<void> {
    this.#started = false;
    const t = this.#settings.shutdownTimeoutMs;
    await Promise.all([this.#http?.shutdown(t), this.#grpc?.shutdown(t)]);
  }

  health(): Health {
    return this.#started ? { healthy: true } : { healthy: false, message: 'not started' };
  }
}

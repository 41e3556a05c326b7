import { Client, Metadata, credentials, status as GrpcStatus, type ChannelCredentials, type ServiceError, type connectivityState } from '@grpc/grpc-js';
import type { PartialSuccess, Signal } from '../pdata/types.ts';
import { decodeProtoResponse } from '../pdata/proto/index.ts';
import { loadTls, type TlsConfig } from './client-config.ts';
import { ExportError, grpcStatusError } from './export-error.ts';
import { decodeRpcStatus } from '../pdata/rpc-status.ts';

// OTLP over gRPC, as a transport of already-encoded Export*ServiceRequest bytes: no
// protobuf library and no generated stubs, just the method path and pass-through
// (de)serializers. Kept apart from the exporter so that other exporters (jaeger) can send
// OTLP with it.

export const OTLP_GRPC_METHODS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface GrpcTransportOptions {
  /** `host:port` or `http(s)://host:port`. */
  endpoint: string;
  tls: TlsConfig;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** Sent to the server as the call's deadline; 0 = none. */
  timeoutMs: number;
  /** Used in error messages, e.g. `exporter otlp/peer`. */
  who: string;
}

const serialize = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const deserialize = (bytes: Buffer): Buffer => bytes;
// grpc-js compression algorithm numbers.
const GZIP = 2;
const IDENTITY = 0;

export class OtlpGrpcTransport {
  readonly target: string;
  readonly secure: boolean;
  readonly #options: GrpcTransportOptions;
  readonly #metadata = new Metadata();
  #client: Client | undefined;

  constructor(options: GrpcTransportOptions) {
    this.#options = options;
    const ep = options.endpoint.replace(/\/$/, '');
    this.secure = !(ep.startsWith('http://') || options.tls.insecure);
    this.target = ep.replace(/^https?:\/\//, '');
    for (const [k, v] of Object.entries(options.headers)) this.#metadata.set(k.toLowerCase(), v);
  }

  /** Creates the channel; it connects lazily, on the first call. */
  async start(): Promise<void> {
    let creds: ChannelCredentials;
    if (this.secure) {
      const tls = this.#options.tls;
      const pem = await loadTls(tls, this.#options.who);
      creds = credentials.createSsl(pem.ca ?? null, pem.key ?? null, pem.cert ?? null, tls.insecure_skip_verify ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {});
    } else {
      creds = credentials.createInsecure();
    }
    this.#client = new Client(this.target, creds, {
      'grpc.default_compression_algorithm': this.#options.compression === 'gzip' ? GZIP : IDENTITY,
      'grpc.primary_user_agent': 'genrf-collector',
      // Do not stall a send on an old broken connection: let keepalive find dead peers.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      // grpc-js waits up to 120s between reconnects by default: after a long outage the peer
      // would be back long before we noticed. Keep it near the retry backoff's scale.
      'grpc.max_reconnect_backoff_ms': 10_000,
    });
  }

  /**
   * Sends one encoded Export*ServiceRequest. Resolves with the response's partial success
   * (if any); rejects with an ExportError classified by the gRPC status.
   */
  export(signal: Signal, request: Uint8Array, abort: AbortSignal): Promise<PartialSuccess | undefined> {
    const client = this.#client;
    if (client === undefined) return Promise.reject(ExportError.permanent(`${this.#options.who}: transport not started`));
    if (abort.aborted) return Promise.reject(abort.reason);
    const timeoutMs = this.#options.timeoutMs;
    return new Promise((resolve, reject) => {
      const call = client.makeUnaryRequest(
        OTLP_GRPC_METHODS[signal],
        serialize,
        deserialize,
        request,
        this.#metadata,
        timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {},
        (err: ServiceError | null, response?: Buffer) => {
          abort.removeEventListener('abort', onAbort);
          if (err) return reject(this.#classify(err, abort));
          try {
            resolve(response && response.length > 0 ? decodeProtoResponse(signal, response) : undefined);
          } catch {
            resolve(undefined); // the data was accepted; an unreadable response changes nothing
          }
        },
      );
      const onAbort = () => call.cancel();
      abort.addEventListener('abort', onAbort, { once: true });
    });
  }

  #classify(err: ServiceError, abort: AbortSignal): ExportError {
    if (err.code === GrpcStatus.CANCELLED && abort.aborted && abort.reason instanceof ExportError) return abort.reason;
    const details = err.metadata?.get('grpc-status-details-bin')[0];
    const rpc = details instanceof Buffer ? decodeRpcStatus(details) : undefined;
    const where = `${this.target}`;
    return grpcStatusError(err.code, `${err.details || err.message} (${where})`, rpc?.retryDelayMs);
  }

  /**
   * The channel's state (IDLE, CONNECTING, READY, TRANSIENT_FAILURE, SHUTDOWN), for health
   * checks; `tryToConnect` makes an idle channel start connecting. Undefined before start.
   */
  connectivity(tryToConnect: boolean): connectivityState | undefined {
    return this.#client?.getChannel().getConnectivityState(tryToConnect);
  }

  close(): void {
    this.#client?.close();
    this.#client = undefined;
  }
}

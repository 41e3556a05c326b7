// OTLP/gRPC on @grpc/grpc-js: the three collector Export services, with hand-written service
// definitions whose (de)serializers pass the raw bytes through, so requests go through our
// own protobuf scanner instead of a generated codec. grpc-js handles gzip/deflate and bounds
// the message size (decompressed too) with grpc.max_receive_message_length.
//
// Transport security: TLS (with certificate reload) from the `tls` block, and the
// authenticator of `auth` in an interceptor that refuses a call before its message is read.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DecodeError, TooManyItemsError } from '../../pdata/errors.ts';
import { encodeProtoResponse } from '../../pdata/proto/index.ts';
import type { Signal } from '../../pdata/types.ts';
import type { ReceiverConsumers } from '../../pipeline/component.ts';
import type { ReceiverMetrics } from '../../telemetry/metrics.ts';
import { splitEndpoint } from '../../net/endpoint.ts';
import type { OtlpGrpcConfig } from './config.ts';
import { countRejected, decodeRequest, exportBatch, stampSubject } from './export.ts';
import { encodeRetryInfo, encodeRpcStatus, GrpcCode } from '../../pdata/rpc-status.ts';
import { listenError, warnIfExposed } from '../../net/listen.ts';
import type { AuthGuard } from '../../net/auth.ts';
import { authInterceptor, grpcServerCredentials, SUBJECT_KEY } from '../../net/grpc-security.ts';

const MIB = 1024 * 1024;

/** Fully-qualified service names per signal, as in opentelemetry-proto. */
export const OTLP_GRPC_SERVICES: Readonly<Record<Signal, string>> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const passThrough = (b: Buffer): Buffer => b;
const toBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function serviceDefinition(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: `/${OTLP_GRPC_SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: toBuffer,
      requestDeserialize: passThrough,
      responseSerialize: toBuffer,
      responseDeserialize: passThrough,
    },
  };
}

type Callback = grpc.sendUnaryData<Uint8Array>;

export interface OtlpGrpcServerOptions {
  id: string;
  config: OtlpGrpcConfig;
  consumers: ReceiverConsumers;
  metrics: ReceiverMetrics;
  logger: Logger;
}

export class OtlpGrpcServer {
  readonly #id: string;
  readonly #config: OtlpGrpcConfig;
  readonly #consumers: ReceiverConsumers;
  readonly #metrics: ReceiverMetrics;
  readonly #logger: Logger;
  #server: grpc.Server | undefined;
  #stopTls: (() => void) | undefined;
  #port: number | undefined;
  #host = '';

  constructor(opts: OtlpGrpcServerOptions) {
    this.#id = opts.id;
    this.#config = opts.config;
    this.#consumers = opts.consumers;
    this.#metrics = opts.metrics;
    this.#logger = opts.logger;
  }

  get address(): { address: string; port: number } | undefined {
    return this.#port === undefined ? undefined : { address: this.#host, port: this.#port };
  }

  /** `guard` checks each call (and counts refusals); it is built by the receiver at start. */
  async start(guard: AuthGuard): Promise<void> {
    const c = this.#config;
    const options: grpc.ServerOptions = { 'grpc.max_receive_message_length': Math.floor(c.max_recv_msg_size_mib * MIB) };
    if (c.max_concurrent_streams > 0) options['grpc.max_concurrent_streams'] = c.max_concurrent_streams;
    if (guard.enabled) options.interceptors = [authInterceptor(guard)];
    const server = new grpc.Server(options);
    const stamp = c.include_metadata;
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      server.addService(serviceDefinition(signal), {
        Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, cb: Callback) => {
          const subject = stamp ? String(call.metadata.get(SUBJECT_KEY)[0] ?? '') : '';
          void this.#export(signal, call.request, cb, subject);
        },
      });
    }
    const creds = await grpcServerCredentials(c.tls, this.#id, this.#logger);
    const { host, port } = splitEndpoint(c.endpoint);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    try {
      this.#port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(target, creds.credentials, (err, bound) => {
          if (err) reject(listenError(this.#id, c.endpoint, err));
          else resolve(bound);
        });
      });
    } catch (err) {
      creds.stop();
      throw err;
    }
    this.#stopTls = creds.stop;
    this.#host = host;
    this.#server = server;
    warnIfExposed(this.#logger, `receiver/${this.#id} (grpc)`, c.endpoint, { tls: creds.secure, auth: guard.enabled });
    this.#logger.info({ endpoint: `${host}:${this.#port}`, tls: creds.secure, auth: c.auth?.authenticator }, 'OTLP/gRPC receiver listening');
  }

  /** Stops accepting, lets calls in flight finish (bounded by timeoutMs), then closes. */
  async shutdown(timeoutMs: number): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#stopTls?.();
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#logger.warn('OTLP/gRPC shutdown timed out; cancelling calls in flight');
        server.forceShutdown();
        resolve();
      }, timeoutMs);
      server.tryShutdown(() => resolve());
    });
    clearTimeout(timer);
  }

  async #export(signal: Signal, body: Buffer, cb: Callback, subject: string): Promise<void> {
    const consumer = this.#consumers[signal];
    if (consumer === undefined) {
      return this.#fail(cb, GrpcCode.UNIMPLEMENTED, `no pipeline takes ${signal} from this receiver: add it to a ${signal} pipeline's receivers`);
    }
    try {
      let batch;
      try {
        batch = decodeRequest(signal, 'proto', body, this.#config.max_items_per_request);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        countRejected(this.#metrics, signal, e);
        if (e instanceof TooManyItemsError) return this.#fail(cb, GrpcCode.INVALID_ARGUMENT, `${signal} request too large: ${e.message}`);
        return this.#fail(cb, GrpcCode.INVALID_ARGUMENT, `malformed ${signal} request: ${e.message}`);
      }
      if (subject !== '' && batch.items > 0) stampSubject(batch, subject);
      const outcome = await exportBatch(consumer, batch, this.#metrics);
      if (outcome.kind === 'ok') return cb(null, encodeProtoResponse(signal, outcome.partial));
      // Too large for good: no retry info, so that the client does not retry it.
      if (outcome.kind === 'too_large') return this.#fail(cb, GrpcCode.INVALID_ARGUMENT, outcome.message);
      const code = outcome.kind === 'busy' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.UNAVAILABLE;
      return this.#fail(cb, code, outcome.message, outcome.retryAfterMs);
    } catch (e) {
      this.#logger.error({ err: e, signal }, 'OTLP/gRPC request failed');
      return this.#fail(cb, GrpcCode.INTERNAL, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #fail(cb: Callback, code: number, details: string, retryAfterMs?: number): void {
    const metadata = new grpc.Metadata();
    if (retryAfterMs !== undefined) {
      // Clients read the retry hint from the rich status (Go, Java) or from this key (Python).
      metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus(code, details, retryAfterMs)));
      metadata.set('google.rpc.retryinfo-bin', Buffer.from(encodeRetryInfo(retryAfterMs)));
    }
    if (this.#logger.isLevelEnabled('debug')) this.#logger.debug({ code, details }, 'OTLP/gRPC request refused');
    cb({ name: 'OtlpError', message: details, code, details, metadata });
  }
}

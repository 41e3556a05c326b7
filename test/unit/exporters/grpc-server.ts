// A small real OTLP/gRPC server for exporter tests: records every request and answers
// with a scripted status (fault injection: a real collector cannot be made to fail on cue).
import { Server, ServerCredentials, Metadata, status, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import { OTLP_GRPC_METHODS } from '../../../src/net/grpc-transport.ts';
import type { Signal } from '../../../src/pdata/types.ts';

export interface RecordedCall {
  /** Date.now() when the call arrived (the fake clock under fake timers). */
  at: number;
  signal: Signal;
  bytes: Buffer;
  metadata: Record<string, unknown>;
}

export type Reply = { code: number; details?: string; retryInfoBin?: Buffer } | { response: Buffer };

export class FakeOtlpGrpcServer {
  readonly calls: RecordedCall[] = [];
  /** Replies for the next calls, in order; then an empty (OK) response. */
  readonly script: Reply[] = [];
  #server: Server | undefined;
  port = 0;

  async listen(port = 0, creds: ServerCredentials = ServerCredentials.createInsecure()): Promise<number> {
    const server = new Server();
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const def = {
        Export: {
          path: OTLP_GRPC_METHODS[signal],
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      } as unknown as ServiceDefinition;
      server.addService(def, {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
          this.calls.push({ at: Date.now(), signal, bytes: call.request, metadata: call.metadata.getMap() });
          const reply = this.script.shift();
          if (reply === undefined) return cb(null, Buffer.alloc(0));
          if ('response' in reply) return cb(null, reply.response);
          const md = new Metadata();
          if (reply.retryInfoBin) md.set('grpc-status-details-bin', reply.retryInfoBin);
          cb({ code: reply.code, details: reply.details ?? '', metadata: md, name: '', message: '' });
        },
      });
    }
    this.port = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p))));
    this.#server = server;
    return this.port;
  }

  close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.tryShutdown(() => resolve()));
  }
}

export { status };

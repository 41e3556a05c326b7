import * as grpc from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthGuard } from './auth.ts';
import { ServerTls } from './server-tls.ts';
import type { ServerTlsConfig } from './tls-config.ts';

// TLS and authentication for a grpc-js server. grpc-js re-applies a credentials object's
// secure-context options to its HTTP/2 server (setSecureContext) whenever the credentials
// say they changed: new connections get the new certificate, open ones keep theirs.

/** Server credentials from a `tls` block, following its files every reload_interval. */
class ReloadingServerCredentials extends grpc.ServerCredentials {
  readonly #tls: ServerTls;

  constructor(tls: ServerTls) {
    const { connection, context } = tls.setup;
    super({ ...connection }, context);
    this.#tls = tls;
    tls.watch((ctx: SecureContextOptions) => this.updateSecureContextOptions(ctx));
  }

  stop(): void {
    this.#tls.stop();
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export interface GrpcCredentials {
  credentials: grpc.ServerCredentials;
  /** Stops following the certificate files. */
  stop(): void;
  secure: boolean;
}

/** Insecure credentials, or TLS ones read from the `tls` block's files (rejects naming an unreadable file). */
export async function grpcServerCredentials(tls: ServerTlsConfig | undefined, who: string, logger: Logger): Promise<GrpcCredentials> {
  if (tls === undefined) return { credentials: grpc.ServerCredentials.createInsecure(), stop: () => {}, secure: false };
  const creds = new ReloadingServerCredentials(await ServerTls.load(tls, who, logger));
  return { credentials: creds, stop: () => creds.stop(), secure: true };
}

/** Metadata key that carries the authenticated subject to the handler; a client's own value is removed first. */
export const SUBJECT_KEY = 'x-genrf-auth-subject';

/**
 * A server interceptor that authenticates each call from its metadata, before grpc-js reads
 * (or decompresses) the message: the call's stream stays paused until the handler asks to
 * read, and a refused call never gets that far. Refusals are UNAUTHENTICATED, or UNAVAILABLE
 * when the check could not be made (the client retries).
 */
export function authInterceptor(guard: AuthGuard): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            metadata.remove(SUBJECT_KEY);
            const header = (name: string) => {
              const v = metadata.get(name)[0];
              return v === undefined ? undefined : String(v);
            };
            const proceed = (r: Awaited<ReturnType<AuthGuard['check']>>) => {
              if (r.ok) {
                if (r.subject) metadata.set(SUBJECT_KEY, r.subject);
                mdNext(metadata);
                return;
              }
              call.sendStatus({ code: r.reason === 'unavailable' ? grpc.status.UNAVAILABLE : grpc.status.UNAUTHENTICATED, details: r.message });
            };
            const r = guard.check(header, peerAddress(call.getPeer()));
            if (r instanceof Promise) void r.then(proceed);
            else proceed(r);
          },
        }),
    });
}

/** `127.0.0.1:53422` -> `127.0.0.1`; `[::1]:53422` -> `::1`. */
function peerAddress(peer: string): string {
  const i = peer.lastIndexOf(':');
  const host = i > 0 ? peer.slice(0, i) : peer;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

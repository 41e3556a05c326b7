import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { isLoopbackHost, splitEndpoint } from './endpoint.ts';

// Every server the daemon opens (the OTLP receivers, the self metrics, health_check and the
// prometheus exporter's scrape endpoints) says the same thing when its port cannot be opened.
// The small HTTP servers also share how they close: they answer one short GET at a time and
// hold no pipeline data.

/** A clear start-up error for a port that cannot be opened, naming who listens and where. */
export function listenError(who: string, endpoint: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  const text = String(e?.message ?? e);
  let why: string;
  if (e?.code === 'EADDRINUSE' || text.includes('EADDRINUSE')) {
    why = 'address already in use (another process holds the port; stop it or change the endpoint)';
  } else if (e?.code === 'EACCES' || text.includes('EACCES')) {
    why = 'permission denied (ports below 1024 need privileges; pick another port)';
  } else if (e?.code === 'EADDRNOTAVAIL' || text.includes('EADDRNOTAVAIL')) {
    why = 'address not available on this machine (check the host part of the endpoint)';
  } else {
    why = text;
  }
  return new Error(`${who}: cannot listen on ${endpoint}: ${why}`, { cause: err });
}

/** Listens on a `host:port` endpoint; a port that cannot be opened rejects with listenError. */
export function listen(server: Server, endpoint: string, who: string): Promise<void> {
  const { host, port } = splitEndpoint(endpoint);
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(listenError(who, endpoint, err));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops listening and drops open connections at once: nothing in flight is worth waiting for. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The port a server listens on, or undefined before it listens (tests use port 0). */
export function portOf(server: Server | undefined): number | undefined {
  return (server?.address() as AddressInfo | null)?.port;
}

/**
 * The one warning for a server that anyone on the network can reach with neither TLS nor
 * authentication (the default bind is loopback, so this is always a choice someone made).
 */
export function warnIfExposed(logger: Logger, listener: string, endpoint: string, secured: { tls: boolean; auth: boolean }): void {
  if (secured.tls || secured.auth) return;
  const { host } = splitEndpoint(endpoint);
  if (isLoopbackHost(host)) return;
  logger.warn(
    { listener, endpoint },
    `${listener} listens on ${endpoint}, beyond loopback, without TLS or authentication: anyone who can reach the port can use it; add tls and auth (see "Securing the daemon" in the README)`,
  );
}

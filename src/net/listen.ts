import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The small HTTP servers (self metrics, health_check, the prometheus exporter) answer one
// short GET at a time and hold no pipeline data, so they share how they listen and close.

/** Listens, turning EADDRINUSE and friends into a message that names the endpoint. */
export function listen(server: Server, host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new Error(`${what}: cannot listen on ${host}:${port}: ${why}`));
    };
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

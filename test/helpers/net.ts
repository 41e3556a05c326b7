// Ports for tests: never a fixed one, so test files can run side by side (and beside a
// daemon someone left on 4318 or 8888).
import { createServer } from 'node:net';

// Ports handed out by this process, so two daemons of one test file never get the same one.
const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1 for a server the test starts next. Picked at random below
 * Linux's ephemeral range (32768-60999): a port that the kernel gave us for `listen(0)` and
 * we released can be taken, before the server binds it, by any outgoing connection on the
 * machine (the Kafka and Elasticsearch clients of other test files make many), which made
 * daemons fail with EADDRINUSE on a busy machine. Below that range only another test's pick
 * can collide, and the bind check below makes that rare. A server in the test's own process
 * should listen on port 0 instead and read its port back.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: no free port found in 20000-31999 after 200 attempts');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  return ports;
}

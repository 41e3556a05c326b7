import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen, portOf } from '../../../src/net/listen.ts';
import { MetricsServer } from '../../../src/telemetry/server.ts';
import { SelfMetrics } from '../../../src/telemetry/metrics.ts';

// One listen helper for every server: a port that is taken fails start-up with a message
// that names the component and the endpoint as written, and says what to do.

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => closeServer(s)));
});

async function holdPort(): Promise<number> {
  const holder = createServer();
  open.push(holder);
  await listen(holder, '127.0.0.1:0', 'holder');
  return portOf(holder)!;
}

describe('listen', () => {
  it('listens on a host:port endpoint', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    open.push(server);
    await listen(server, '127.0.0.1:0', 'test');
    const res = await fetch(`http://127.0.0.1:${portOf(server)}/`);
    expect(await res.text()).toBe('ok');
  });

  it('refuses a taken port naming who listens, where, and what to do', async () => {
    const port = await holdPort();
    const second = createServer();
    open.push(second);
    await expect(listen(second, `127.0.0.1:${port}`, 'health_check')).rejects.toThrow(
      `health_check: cannot listen on 127.0.0.1:${port}: address already in use (another process holds the port; stop it or change the endpoint)`,
    );
  });

  it('gives the self metrics endpoint the same message as the receivers', async () => {
    const port = await holdPort();
    const metrics = new MetricsServer(new SelfMetrics(), `127.0.0.1:${port}`);
    await expect(metrics.start()).rejects.toThrow(`self metrics: cannot listen on 127.0.0.1:${port}: address already in use`);
    await metrics.shutdown();
  });
});

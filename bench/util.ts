// What the benchmarks share: the figure they print, a free port, the daemon as a child
// process and its RSS, OTLP/HTTP posts, and the best-of-windows rate of a hot function.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request, type Agent } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export const ROOT = resolve(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** A process's resident set (VmRSS) or its peak (VmHWM), in KiB, from /proc. */
export function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)?.[1] ?? 0));
}

/** `genrf-collector run --config <config>` as a child process; its stderr is kept for error messages. */
/** The daemon of the tree at `root` (default: this one), e.g. an old checkout for an A/B run. */
export function spawnDaemon(config: string, opts: { root?: string; env?: Record<string, string> } = {}): { daemon: ChildProcess; stderr: () => string } {
  const daemon = spawn(process.execPath, [join(opts.root ?? ROOT, 'src/cli/main.ts'), 'run', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stderr = '';
  daemon.stderr!.on('data', (d) => (stderr += d));
  return { daemon, stderr: () => stderr };
}

export async function stopDaemon(daemon: ChildProcess): Promise<void> {
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.once('exit', r));
}

/** POSTs OTLP/protobuf bodies to 127.0.0.1:`port` `path`; resolves with the status code. */
export function protobufPoster(port: number, path: string, agent: Agent): (body: Buffer) => Promise<number> {
  return (body) =>
    new Promise<number>((res, rej) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (r) => {
        r.resume();
        r.on('end', () => res(r.statusCode ?? 0));
      });
      req.on('error', rej);
      req.end(body);
    });
}

/** Posts `body` until the daemon's receiver answers (about 10 s at most). */
export async function untilListening(post: (body: Buffer) => Promise<number>, body: () => Buffer, stderr: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await post(body());
      break;
    } catch {
      if (i > 200) throw new Error(`daemon did not start:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Calls per second of `fn`, the best of `windows` windows of `windowMs` after a warm-up (the
 * optimizing compiler sees the code first): the benchmark machines are shared, and a slow
 * window measures the neighbours, not the code.
 */
export function callsPerSecond(fn: () => unknown, windows = 8, windowMs = 250): number {
  for (let i = 0; i < 50; i++) fn();
  let best = 0;
  for (let w = 0; w < windows; w++) {
    const start = process.hrtime.bigint();
    const stop = start + BigInt(windowMs) * 1_000_000n;
    let calls = 0;
    let now = start;
    while (now < stop) {
      fn();
      calls++;
      now = process.hrtime.bigint();
    }
    best = Math.max(best, calls / (Number(now - start) / 1e9));
  }
  return best;
}

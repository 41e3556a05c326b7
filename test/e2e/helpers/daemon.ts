import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'src/cli/main.ts');

// Ports handed out by this process, so two daemons of one test file never get the same one.
const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1 for a daemon the test starts next. Picked at random below
 * Linux's ephemeral range (32768-60999): a port that the kernel gave us for `listen(0)` and
 * we released can be taken, before the daemon binds it, by any outgoing connection on the
 * machine (the Kafka and Elasticsearch clients of other test files make many), which made
 * daemons fail with EADDRINUSE on a busy machine. Below that range only another test's pick
 * can collide, and the bind check below makes that rare.
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
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

export async function tempDir(prefix = 'genrf-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface Daemon {
  proc: ChildProcess;
  /** Everything the daemon wrote on stderr so far (its JSON logs). */
  stderr(): string;
  stdout(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Runs the CLI (`node src/cli/main.ts ...args`) as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  return {
    proc,
    stderr: () => err,
    stdout: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs a CLI command to completion. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const d = runCli(args, env);
  const code = await d.exited;
  return { code, stdout: d.stdout(), stderr: d.stderr() };
}

/** Writes a pipeline file and starts `run` on it; resolves when the daemon says it is running. */
export async function startDaemon(yaml: string, opts: { env?: NodeJS.ProcessEnv; dir?: string; timeoutMs?: number } = {}): Promise<Daemon & { configPath: string }> {
  const dir = opts.dir ?? (await tempDir());
  const configPath = join(dir, `pipeline-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(configPath, yaml);
  const d = runCli(['run', '--config', configPath], opts.env);
  await waitFor(
    () => d.stderr().includes('the daemon is running'),
    opts.timeoutMs ?? 15_000,
    async () => {
      if (d.proc.exitCode !== null) throw new Error(`daemon exited with ${d.proc.exitCode}:\n${d.stderr()}`);
    },
  ).catch((err: Error) => {
    d.proc.kill('SIGKILL');
    throw new Error(`${err.message}\n--- daemon stderr ---\n${d.stderr()}`);
  });
  return { ...d, configPath };
}

/** Polls `cond` until it holds or the timeout passes. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, each?: () => Promise<void>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (each) await each();
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

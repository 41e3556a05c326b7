import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'src/cli/main.ts');

// The port and waiting helpers are shared by every test tree; re-exported here for the
// files that take them with the daemon helpers.
export { freePort } from '../../helpers/net.ts';
export { until as waitFor } from '../../helpers/wait.ts';

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

/**
 * Resolves when the process has written `text` on its stderr (as it happens, no polling);
 * rejects when it exits first or stays silent past `timeoutMs`, with what it wrote.
 */
export function untilStderr(d: Daemon, text: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      d.proc.stderr!.off('data', onData);
      d.proc.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = () => {
      if (d.stderr().includes(text)) done();
    };
    const onExit = (code: number | null) => done(new Error(`exited with ${code} before writing "${text}":\n${d.stderr()}`));
    const timer = setTimeout(() => done(new Error(`did not write "${text}" within ${timeoutMs} ms:\n${d.stderr()}`)), timeoutMs);
    d.proc.stderr!.on('data', onData);
    d.proc.once('exit', onExit);
    if (d.stderr().includes(text)) done();
    else if (d.proc.exitCode !== null) onExit(d.proc.exitCode);
  });
}

/**
 * Resolves when the daemon logs that it is running; rejects when it exits first. The default
 * wait is long: on a loaded 2-core machine a daemon took more than 15 s to start.
 */
export function untilRunning(d: Daemon, timeoutMs = 60_000): Promise<void> {
  return untilStderr(d, 'the daemon is running', timeoutMs);
}

/** Writes a pipeline file and starts `run` on it; resolves when the daemon says it is running. */
export async function startDaemon(yaml: string, opts: { env?: NodeJS.ProcessEnv; dir?: string; timeoutMs?: number } = {}): Promise<Daemon & { configPath: string }> {
  const dir = opts.dir ?? (await tempDir());
  const configPath = join(dir, `pipeline-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(configPath, yaml);
  const d = runCli(['run', '--config', configPath], opts.env);
  await untilRunning(d, opts.timeoutMs).catch((err: Error) => {
    d.proc.kill('SIGKILL');
    throw err;
  });
  return { ...d, configPath };
}

// The README's two commands work as written on a fresh clone, on a machine whose PATH has an
// old Node first (issue 11, item 5): the install-and-run line starts the daemon on the default
// pipeline, and the test line runs with Node 24. Slow (a fresh `npm ci` with its build, from
// the npm cache or registry), so it runs when the machine's Node is old, the default ports
// are free and GENRF_FRESH_CLONE=1 is set; the README's commands are checked always.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

/** The first ```sh block after a bold heading of the README's Setup section. */
function commandAfter(heading: string): string {
  const at = README.indexOf(`**${heading}`);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const block = /```sh\n([^\n]+)\n```/.exec(README.slice(at));
  return block![1].trim();
}
const INSTALL_RUN = commandAfter('Install and run the daemon on the default pipeline');
const TESTS = commandAfter('Run the tests:');

function oldSystemNode(): string | undefined {
  if (!existsSync('/usr/bin/node')) return undefined;
  const v = execFileSync('/usr/bin/node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  return Number(v.split('.')[0]) < 22 ? '/usr/bin/node' : undefined;
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** bash -c `command` in `cwd` with the machine's old Node first on PATH and Node 24 nowhere on it. */
function bash(command: string, cwd: string, oldNode: string) {
  const PATH = [dirname(oldNode), ...(process.env.PATH ?? '').split(':').filter((p) => !p.includes('node24') && !p.includes('node_modules'))].join(':');
  const proc = spawn('bash', ['-c', command], { cwd, env: { ...process.env, PATH, npm_config_loglevel: 'error' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((res) => proc.once('exit', (c) => res(c)));
  return { proc, output: () => out, exited };
}

const oldNode = oldSystemNode();
const free = (await Promise.all([4317, 4318, 8888, 8889, 13133].map(isFree))).every(Boolean);
const run = process.env.GENRF_FRESH_CLONE === '1' && oldNode !== undefined && free;

describe("the README's two commands", () => {
  it('each start with ensure-node, so that a machine with an old Node runs them with Node 24', () => {
    expect(INSTALL_RUN).toBe('source scripts/ensure-node.sh && npm ci && npx genrf-collector run --config pipelines/default.yaml');
    expect(TESTS).toBe('source scripts/ensure-node.sh && npm test');
  });

  it.skipIf(!run)(
    'work as written in a fresh clone with the old Node first on PATH',
    async () => {
      const clone = await mkdtemp(resolve(ROOT, '..', 'tmp-readme-'));
      try {
        execFileSync('git', ['clone', '--quiet', ROOT, clone]);
        const daemon = bash(INSTALL_RUN, clone, oldNode!);
        try {
          const deadline = Date.now() + 540_000;
          for (;;) {
            // health_check starts first: /health can answer before the last component started.
            const started = daemon.output().includes('the daemon is running');
            if (
              started &&
              (await fetch('http://127.0.0.1:13133/health').then(
                (r) => r.status === 200,
                () => false,
              ))
            )
              break;
            if (daemon.proc.exitCode !== null) throw new Error(`the install-and-run command exited ${daemon.proc.exitCode}:\n${daemon.output()}`);
            if (Date.now() > deadline) throw new Error(`no /health within 9 minutes:\n${daemon.output()}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        } finally {
          process.kill(-daemon.proc.pid!, 'SIGTERM');
          await daemon.exited;
        }
        // The test command as written, with a filter that matches no test file instead of the
        // whole suite: lint, the pipeline tests (node src/cli/main.ts: Node >= 22.18 only),
        // then vitest, which finds nothing to run and passes.
        const tests = bash(`${TESTS} -- --passWithNoTests test/no-such-test-file`, clone, oldNode!);
        const stuck = setTimeout(() => process.kill(-tests.proc.pid!, 'SIGKILL'), 300_000);
        const code = await tests.exited;
        clearTimeout(stuck);
        expect(code, tests.output()).toBe(0);
        expect(tests.output()).toMatch(/\d+ passed, 0 failed/);
        expect(tests.output()).toMatch(/No test files found/);
      } finally {
        await rm(clone, { recursive: true, force: true });
      }
    },
    900_000,
  );
});

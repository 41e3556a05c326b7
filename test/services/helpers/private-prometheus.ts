// A Prometheus of the test's own (the binary scripts/services/up installs, /usr/bin/prometheus),
// for tests that need rule files loaded: the shared Prometheus of scripts/services loads none,
// so its ALERTS series is empty. Scrapes every 2 s (a scrape may take a second on a loaded
// machine), evaluates every second, on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../e2e/helpers/daemon.ts';
import { eventually } from './services.ts';

export interface PrivatePrometheus {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheus(promtool: string, o: { ruleFiles: string[]; targets: Array<{ job: string; port: number }> }): Promise<PrivatePrometheus> {
  const binary = join(dirname(promtool), 'prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'genrf-prom-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '1s' },
      rule_files: o.ruleFiles,
      scrape_configs: o.targets.map((t) => ({ job_name: t.job, static_configs: [{ targets: [`127.0.0.1:${t.port}`] }] })),
    }),
  );
  const proc: ChildProcess = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    'the private Prometheus to be ready',
    async () => {
      if (proc.exitCode !== null) throw new Error(`prometheus exited: ${err}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    },
    30_000,
    200,
  );
  return {
    url,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

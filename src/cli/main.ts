#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';
import { graphCommand } from './graph.ts';
import { componentsCommand } from './list-components.ts';

const USAGE = `usage: genrf-collector <command> [options]

commands:
  run         --config FILE|DIR [--config ...]   run the daemon until SIGTERM/SIGINT
  validate    --config FILE|DIR [--config ...]   build everything run builds, open nothing; exit 1 on errors
  graph       --config FILE|DIR [--format mermaid|dot]   print the pipelines as a graph
  components  [--json]                           list component types, signals and stability

--config may repeat; a directory loads its *.yaml files in name order; files merge in order.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        format: { type: 'string', default: 'mermaid' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`genrf-collector ${command}: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { config = [], format, json } = parsed.values;
  const needsConfig = command === 'run' || command === 'validate' || command === 'graph';
  if (needsConfig && config.length === 0) {
    process.stderr.write(`genrf-collector ${command}: --config is required (e.g. --config pipelines/default.yaml)\n`);
    return 2;
  }
  switch (command) {
    case 'run':
      return runCommand(config);
    case 'validate':
      return validateCommand(config);
    case 'graph':
      return graphCommand(config, format!);
    case 'components':
      return componentsCommand(json!);
    default:
      process.stderr.write(`genrf-collector: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`genrf-collector: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

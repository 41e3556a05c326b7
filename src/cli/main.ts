#!/usr/bin/env node
import { parseArgs } from 'node:util';

const USAGE = `usage: genrf-collector <command> [options]

commands:
  run         --config FILE|DIR [--config ...] [--watch]   run the daemon until SIGTERM/SIGINT;
              --watch reloads when the pipeline files change
  validate    --config FILE|DIR [--config ...]   build everything run builds, open nothing; exit 1 on errors
  graph       --config FILE|DIR [--format mermaid|dot]   print the pipelines as a graph
  components  [--json]                           list component types, signals and stability
  test        [FILE|DIR ...]                     run pipeline tests (*.test.yaml; default pipelines/tests)
  tap         --component ID@PIPELINE [--endpoint HOST:PORT] [--limit N] [--format json|summary]
              a live sample of the records leaving a component (status extension, tap.enabled)

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
        watch: { type: 'boolean', default: false },
        endpoint: { type: 'string', default: '127.0.0.1:55679' },
        component: { type: 'string' },
        limit: { type: 'string', default: '0' },
      },
      strict: true,
      allowPositionals: command === 'test',
    });
  } catch (err) {
    process.stderr.write(`genrf-collector ${command}: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { config = [], format, json, watch, endpoint, component, limit } = parsed.values;
  const needsConfig = command === 'run' || command === 'validate' || command === 'graph';
  if (needsConfig && config.length === 0) {
    process.stderr.write(`genrf-collector ${command}: --config is required (e.g. --config pipelines/default.yaml)\n`);
    return 2;
  }
  switch (command) {
    case 'run':
      return (await import('./run.ts')).runCommand(config, { watch });
    case 'validate':
      return (await import('./validate.ts')).validateCommand(config);
    case 'graph':
      return (await import('./graph.ts')).graphCommand(config, format!);
    case 'components':
      return (await import('./list-components.ts')).componentsCommand(json!);
    case 'test':
      return (await import('./test.ts')).testCommand(parsed.positionals);
    case 'tap': {
      const n = Number(limit);
      const fmt = parsed.values.format === 'mermaid' ? 'summary' : parsed.values.format;
      if (component === undefined || !Number.isInteger(n) || n < 0 || (fmt !== 'json' && fmt !== 'summary')) {
        process.stderr.write('genrf-collector tap: give --component ID@PIPELINE (e.g. redaction/pii@logs/security); --limit a whole number (0: until Ctrl-C); --format json or summary\n');
        return 2;
      }
      return (await import('./tap.ts')).tapCommand({ endpoint: endpoint!, component, limit: n, format: fmt });
    }
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

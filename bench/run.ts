// `npm run bench`: every benchmark, one after the other, printed as a table.
// Benchmarks are not tests: they measure, and the README quotes what they printed.
import os from 'node:os';
import { runE2eBench } from './e2e.bench.ts';
import type { Figure } from './util.ts';

const suites: Array<[string, () => Promise<Figure[]>]> = [
  ['pdata', async () => (await import('./pdata.bench.ts')).runPdataBench()],
  ['attributes', async () => (await import('./attributes.bench.ts')).runAttributesBench()],
  ['redaction', async () => (await import('./redaction.bench.ts')).runRedactionBench()],
  ['jaeger', async () => (await import('./jaeger.bench.ts')).runJaegerBench()],
  ['elasticsearch', async () => (await import('./elasticsearch.bench.ts')).runElasticsearchBench()],
  ['kafka', async () => (await import('./kafka.bench.ts')).runKafkaBench()],
  ['prometheus', async () => (await import('./prometheus.bench.ts')).runPrometheusBench()],
  ['e2e', () => runE2eBench()],
  ['durable', async () => (await import('./durable.bench.ts')).runDurableBench()],
  ['security', async () => (await import('./security.bench.ts')).runSecurityBench()],
];

const only = process.argv.slice(2);
console.log(`# genrf-collector benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
for (const [name, run] of suites) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n## ${name}`);
  for (const f of await run()) console.log(`${f.name.padEnd(60)} ${String(f.value).padStart(12)} ${f.unit}`);
}

// The OTLP/gRPC receiver alone: CPU per span of its process under grpc-js callers.
//
//   node bench/grpc-receiver.ts [--tree DIR] [--seconds 10] [--callers 16] [--spans 10]
//
// The receiver (from DIR's src/, default this checkout; another worktree compares before and
// after) runs in a child process with a no-op consumer; this process runs `callers` loops of
// unary Export calls of `spans` spans each over two grpc-js channels, 2 s of warm-up, then
// measures `seconds`. Prints CPU s per 1M spans (process.cpuUsage of the receiver's process),
// spans/s and the receiver's peak RSS. On a 2-core machine callers and receiver share the
// cores: read the CPU figure, not the rate.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from './util.ts';

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const { values } = parseArgs({
  options: { tree: { type: 'string' }, seconds: { type: 'string' }, callers: { type: 'string' }, spans: { type: 'string' }, serve: { type: 'boolean' } },
});
const tree = values.tree ?? ROOT;
const load = (path: string) => import(pathToFileURL(`${tree}/${path}`).href);

if (values.serve) await serve();
else await drive();

/** The receiver's side: prints its port, then answers `reset` / `report` lines on stdin. */
async function serve(): Promise<void> {
  const { otlpReceiverFactory } = await load('src/receivers/otlp/factory.ts');
  const { testSettings } = await load('test/helpers/settings.ts');
  let items = 0;
  const consumer = {
    mutates: false,
    consume: async (b: { items: number }) => {
      items += b.items;
    },
  };
  const settings = testSettings('otlp');
  settings.logger.level = 'info';
  const config = otlpReceiverFactory.config.parse({ protocols: { grpc: { endpoint: '127.0.0.1:0' } } });
  await otlpReceiverFactory.load?.(); // absent in trees from before the lazy implementations
  const receiver = otlpReceiverFactory.create(settings, config, { traces: consumer });
  await receiver.start({ components: () => [] });
  console.log(receiver.addresses.grpc.port);
  let cpu = process.cpuUsage();
  let from = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'reset') {
      cpu = process.cpuUsage();
      from = items;
      console.log('ok');
    } else if (line === 'report') {
      const u = process.cpuUsage(cpu);
      console.log(JSON.stringify({ cpuS: (u.user + u.system) / 1e6, items: items - from, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
      process.exit(0);
    }
  }
}

async function drive(): Promise<void> {
  const seconds = Number(values.seconds ?? 10);
  const callers = Number(values.callers ?? 16);
  const spans = Number(values.spans ?? 10);
  const grpc = await import('@grpc/grpc-js');
  const { traceRequest } = await import('../test/unit/receivers/otlp/helpers.ts');
  const child = spawn(process.execPath, [import.meta.filename, '--serve', '--tree', tree], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => String((await lines.next()).value);
  const port = Number(await nextLine());
  const body = traceRequest(spans);
  const channels = [0, 1].map(() => new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
  const raw = (b: Buffer) => b;
  let stop = false;
  const call = (c: InstanceType<typeof grpc.Client>) =>
    new Promise<void>((resolve, reject) => c.makeUnaryRequest(TRACE_EXPORT, raw, raw, body, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => (err ? reject(err) : resolve())));
  const loops = Array.from({ length: callers }, async (_, i) => {
    while (!stop) await call(channels[i % 2]);
  });
  await new Promise((r) => setTimeout(r, 2000));
  child.stdin.write('reset\n');
  await nextLine();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  child.stdin.write('report\n');
  const report = JSON.parse(await nextLine()) as { cpuS: number; items: number; peakRssMiB: number };
  stop = true;
  await Promise.allSettled(loops);
  for (const c of channels) c.close();
  console.log(
    JSON.stringify({
      tree,
      spansPerCall: spans,
      callers,
      cpuSPer1MSpans: Number(((report.cpuS / report.items) * 1e6).toFixed(2)),
      spansPerS: Math.round(report.items / seconds),
      peakRssMiB: Math.round(report.peakRssMiB),
    }),
  );
}

// A daemon that only receives OTLP and writes each signal to its own file: the far end of
// the e2e tests (chain's daemon B, the conformance and SDK tests, a peer that comes up late).
import type { Signal } from './otlp.ts';
import { startDaemon, type Daemon } from './daemon.ts';

export interface FileSinkOptions {
  /** Where the daemon's config file goes. */
  dir: string;
  /** The OTLP receiver's ports; a protocol without one is not served. */
  grpc?: number;
  http?: number;
  /** The file each signal is written to (flushed every 20 ms). */
  out: (signal: Signal) => string;
  /** Default all three, each in its own pipeline. */
  signals?: readonly Signal[];
}

export function startFileSink(o: FileSinkOptions): Promise<Daemon & { configPath: string }> {
  const signals = o.signals ?? ['traces', 'metrics', 'logs'];
  const protocols = [...(o.grpc === undefined ? [] : [`      grpc: { endpoint: 127.0.0.1:${o.grpc} }`]), ...(o.http === undefined ? [] : [`      http: { endpoint: 127.0.0.1:${o.http} }`])];
  return startDaemon(
    `
receivers:
  otlp:
    protocols:
${protocols.join('\n')}
exporters:
${signals.map((s) => `  file/${s}: { path: ${o.out(s)}, flush_interval: 20ms }`).join('\n')}
service:
  telemetry: { metrics: { address: '' } }
  pipelines:
${signals.map((s) => `    ${s}: { receivers: [otlp], exporters: [file/${s}] }`).join('\n')}
`,
    { dir: o.dir },
  );
}

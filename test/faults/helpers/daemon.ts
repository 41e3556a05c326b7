// The real daemon for the fault cases: a pipeline file with a persistent queue, started,
// killed (-9) and started again on the same files, and what its own metrics say.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, runCli, untilRunning, waitFor, type Daemon } from '../../e2e/helpers/daemon.ts';
import { metricValue, scrape } from '../../e2e/helpers/otlp.ts';

export { freePort, waitFor, type Daemon };

/** Short cases by default (CI); `FAULTS_LONG=1` (npm run faults) runs the long ones with figures. */
export const LONG = ['1', 'true', 'yes'].includes((process.env.FAULTS_LONG ?? '').toLowerCase());

export interface Ports {
  otlp: number;
  metrics: number;
  health: number;
}

export async function ports(): Promise<Ports> {
  return { otlp: await freePort(), metrics: await freePort(), health: await freePort() };
}

export interface FileCaseOptions {
  dir: string;
  ports: Ports;
  fsync: 'always' | 'interval' | 'never';
  /** The storage directory (default <dir>/queue). */
  storageDir?: string;
  maxSizeMib?: number;
  /** Batch processor in front (default true). */
  batch?: boolean;
  /** Extra options of the file exporter, YAML flow style. */
  exporterExtra?: string;
}

/** OTLP/HTTP -> [batch] -> file exporter with a persistent queue on file_storage. */
export function fileCaseConfig(o: FileCaseOptions): string {
  return `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${o.ports.otlp} } } }
processors:
  batch: { send_batch_size: 2048, timeout: 100ms }
exporters:
  file/out:
    path: ${join(o.dir, 'out.jsonl')}
    flush_interval: 20ms
    sending_queue: { storage: file_storage, sizer: items, queue_size: 2000000 }
    retry_on_failure: { initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 0 }
    ${o.exporterExtra ?? ''}
extensions:
  file_storage:
    directory: ${o.storageDir ?? join(o.dir, 'queue')}
    fsync: ${o.fsync}
    max_size_mib: ${o.maxSizeMib ?? 512}
    segment_size_mib: 4
  health_check: { endpoint: 127.0.0.1:${o.ports.health} }
service:
  extensions: [file_storage, health_check]
  shutdown_timeout: 20s
  telemetry: { metrics: { address: 127.0.0.1:${o.ports.metrics} }, logs: { level: info } }
  pipelines:
    logs: { receivers: [otlp], processors: [${o.batch === false ? '' : 'batch'}], exporters: [file/out] }
`;
}

export async function writeConfig(dir: string, yaml: string): Promise<string> {
  const path = join(dir, 'pipeline.yaml');
  await writeFile(path, yaml);
  return path;
}

/** Starts `run` on a config file; resolves once the daemon says it is running. */
export async function start(configPath: string, env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const d = runCli(['run', '--config', configPath], env);
  await untilRunning(d, 60_000).catch((err: Error) => {
    d.proc.kill('SIGKILL');
    throw new Error(`${err.message}\n--- daemon stderr ---\n${d.stderr().slice(-4000)}`);
  });
  return d;
}

export async function kill9(d: Daemon): Promise<void> {
  d.proc.kill('SIGKILL');
  await d.exited;
}

/** otelcol_exporter_queue_size of every exporter, summed; undefined when the daemon does not answer. */
export async function queueSize(metricsPort: number): Promise<number | undefined> {
  try {
    const text = await scrape(metricsPort);
    let n = 0;
    for (const line of text.split('\n')) if (line.startsWith('otelcol_exporter_queue_size{')) n += Number(line.split(' ').pop());
    return n;
  } catch {
    return undefined;
  }
}

export async function metric(metricsPort: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  return metricValue(await scrape(metricsPort), name, labels);
}

/** Waits until every exporter queue is empty and `delivered()` stopped growing. */
export async function settled(metricsPort: number, delivered: () => Promise<number>, timeoutMs = 120_000): Promise<void> {
  let last = -1;
  await waitFor(async () => {
    if ((await queueSize(metricsPort)) !== 0) return false;
    const now = await delivered();
    const stable = now === last;
    last = now;
    if (!stable) await new Promise((r) => setTimeout(r, 300));
    return stable;
  }, timeoutMs);
}

/** Waits until the load has had `n` records acknowledged. */
export async function untilAcknowledged(load: { acknowledged: number }, n: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(() => load.acknowledged >= n, timeoutMs);
}

export interface RelayCaseOptions {
  dir: string;
  ports: Ports;
  /** Where the sink daemon listens (OTLP/HTTP). */
  sinkPort: number;
  fsync: 'always' | 'interval' | 'never';
  storageDir?: string;
  maxSizeMib?: number;
  segmentMib?: number;
  numConsumers?: number;
}

/**
 * OTLP/HTTP -> batch -> otlphttp exporter with a persistent queue -> a second daemon (the
 * sink, test/e2e/helpers/file-sink.ts), which may be down: then the queue backs up on disk.
 */
export function relayCaseConfig(o: RelayCaseOptions): string {
  return `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${o.ports.otlp} } } }
processors:
  batch: { send_batch_size: 2048, timeout: 100ms }
exporters:
  otlphttp/sink:
    endpoint: http://127.0.0.1:${o.sinkPort}
    compression: none
    sending_queue: { storage: file_storage, sizer: items, queue_size: 5000000, num_consumers: ${o.numConsumers ?? 4} }
    retry_on_failure: { initial_interval: 100ms, max_interval: 500ms, max_elapsed_time: 0 }
extensions:
  file_storage:
    directory: ${o.storageDir ?? join(o.dir, 'queue')}
    fsync: ${o.fsync}
    max_size_mib: ${o.maxSizeMib ?? 512}
    segment_size_mib: ${o.segmentMib ?? 4}
  health_check: { endpoint: 127.0.0.1:${o.ports.health} }
service:
  extensions: [file_storage, health_check]
  shutdown_timeout: 20s
  telemetry: { metrics: { address: 127.0.0.1:${o.ports.metrics} }, logs: { level: info } }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [otlphttp/sink] }
`;
}

/** The health document's check of one component, e.g. `healthy: replaying 5000 log records ...`. */
export async function healthCheck(healthPort: number, component: string): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${healthPort}/health`);
    const body = (await res.json()) as { checks: Record<string, string> };
    return body.checks[component];
  } catch {
    return undefined;
  }
}

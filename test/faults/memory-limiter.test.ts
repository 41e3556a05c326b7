// Fault matrix: the memory_limiter under a flood with nowhere to send (issue 11, item 2). The
// real daemon, limit_mib 300 / spike_limit_mib 60, an otlphttp exporter pointed at a dead port
// (its in-memory queue holds what it takes), 4 OTLP/HTTP senders and 1 OTLP/gRPC sender of
// 100 KB requests as fast as they are answered. Then the sink comes up, the queue drains, and
// the daemon must take data again within 2 x check_interval, /health saying "refusing: ..."
// for exactly as long as it refuses. 12 s of flood by default (longer until the limiter has
// refused), the 40 s with FAULTS_LONG=1.
import { readFileSync } from 'node:fs';
import { request as httpRequest, Agent, createServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type Daemon } from '../e2e/helpers/daemon.ts';
import { encodeProto } from '../../src/pdata/proto/index.ts';
import { freePort, kill9, LONG, ports, queueSize, start, waitFor, writeConfig } from './helpers/daemon.ts';
import { appendFileSync } from 'node:fs';
import { REPORT } from './helpers/report.ts';

const MIB = 1024 * 1024;
const LIMIT_MIB = 300;
const SPIKE_MIB = 60;
const CHECK_MS = 1000;
const FLOOD_MS = LONG ? 40_000 : 12_000;
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

let running: Daemon[] = [];
afterEach(async () => {
  for (const d of running) if (d.proc.exitCode === null && d.proc.signalCode === null) await kill9(d);
  running = [];
});

/** A ~100 KB OTLP/protobuf logs request: 100 records of 1 KB bodies, each request its own text. */
function request100k(seq: number): Buffer {
  const logRecords = [];
  const filler = ''.padEnd(1000, String.fromCharCode(97 + (seq % 26)));
  for (let i = 0; i < 100; i++) {
    logRecords.push({
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `rec-${seq}-${i}-${filler}` },
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    });
  }
  return Buffer.from(
    encodeProto('logs', {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flood' } }], droppedAttributesCount: 0 },
          scopeLogs: [{ scope: { name: 'flood', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords, schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    } as never),
  );
}

/** RSS of a process in bytes, from /proc. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

interface Answers {
  byStatus: Map<string, number>;
}

function count(a: Answers, key: string): void {
  a.byStatus.set(key, (a.byStatus.get(key) ?? 0) + 1);
}

function postHttp(agent: Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function postGrpc(client: grpc.Client, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      LOGS_EXPORT,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + 30_000 },
      (err) => resolve(err ? grpc.status[err.code] : 'OK'),
    );
  });
}

/**
 * The exporter's destination, in this process so that it comes up at once on a loaded machine:
 * answers every OTLP/HTTP export with 200 and counts the records (their `rec-` bodies).
 */
async function startSink(port: number): Promise<{ readonly records: number; close(): Promise<void> }> {
  const marker = Buffer.from('rec-');
  let records = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + 1)) records++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    get records() {
      return records;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function health(port: number): Promise<{ status: number; check: string | undefined }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  const body = (await res.json()) as { checks: Record<string, string> };
  const key = Object.keys(body.checks).find((k) => k.includes('memory_limiter'));
  return { status: res.status, check: key === undefined ? undefined : body.checks[key] };
}

describe('memory_limiter under a flood with the exporter down', () => {
  it('keeps RSS within the hard limit + 10 %, says so in /health while refusing, and takes data again within 2 x check_interval once the queue drained', async () => {
    const dir = await tempDir('genrf-fault-mem-');
    const p = await ports();
    const grpcPort = await freePort();
    const sinkPort = await freePort();
    const config = await writeConfig(
      dir,
      `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${p.otlp} }
      grpc: { endpoint: 127.0.0.1:${grpcPort} }
processors:
  memory_limiter: { check_interval: ${CHECK_MS}ms, limit_mib: ${LIMIT_MIB}, spike_limit_mib: ${SPIKE_MIB} }
  batch: {}
exporters:
  otlphttp/dead:
    endpoint: http://127.0.0.1:${sinkPort}
    compression: none
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms, max_elapsed_time: 0 }
extensions:
  health_check: { endpoint: 127.0.0.1:${p.health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${p.metrics} }, logs: { level: info } }
  pipelines:
    logs: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp/dead] }
`,
    );
    const d = await start(config);
    running.push(d);
    const pid = d.proc.pid!;

    // RSS, sampled every 50 ms for the whole case.
    let peak = 0;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rss(pid));
      } catch {
        /* exited */
      }
    }, 50);

    // The flood: 4 HTTP senders and 1 gRPC sender, each sending its next request as soon as
    // the previous one was answered, whatever the answer.
    const answers: Answers = { byStatus: new Map() };
    const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    let flooding = true;
    let seq = 0;
    let sawRefusingHealth = false;
    const senders = [
      ...agents.map(async (agent) => {
        while (flooding) count(answers, `http ${await postHttp(agent, p.otlp, request100k(seq++))}`);
      }),
      (async () => {
        while (flooding) count(answers, `grpc ${await postGrpc(client, request100k(seq++))}`);
      })(),
    ];
    const floodEnd = Date.now() + FLOOD_MS;
    await waitFor(async () => {
      const h = await health(p.health);
      if (h.check?.startsWith('refusing: ')) {
        sawRefusingHealth = true;
        expect(h.status).toBe(503);
      }
      // On a loaded machine the senders are slower: the flood goes on until the limiter refused.
      return Date.now() >= floodEnd && sawRefusingHealth;
    }, FLOOD_MS + 120_000);
    const floodMs = FLOOD_MS + Date.now() - floodEnd;
    flooding = false;
    await Promise.all(senders);
    const floodPeak = peak;

    // Pressure ends: the sink comes up, and everything acknowledged is delivered (the exporter's
    // queue_size says 0 while its consumers still hold batches they retry).
    const acknowledged = ((answers.byStatus.get('http 200') ?? 0) + (answers.byStatus.get('grpc OK') ?? 0)) * 100;
    const sink = await startSink(sinkPort);
    await waitFor(async () => (await queueSize(p.metrics)) === 0 && sink.records >= acknowledged, 120_000);
    const delivered = sink.records;
    const drained = performance.now();
    // Send one request at a time until one is taken.
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    let status = 0;
    let tries = 0;
    while (status !== 200 && performance.now() - drained < 30_000) {
      status = await postHttp(probe, p.otlp, request100k(seq++));
      tries++;
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    const resumedAfter = performance.now() - drained;
    const after = await health(p.health);
    clearInterval(sampler);
    await sink.close();
    client.close();
    for (const a of [...agents, probe]) a.destroy();

    const figures = {
      case: 'memory_limiter flood',
      long: LONG,
      flood_s: Math.round(floodMs / 1000),
      peak_rss_mib: Math.round(floodPeak / MIB),
      hard_limit_mib: LIMIT_MIB,
      answers: Object.fromEntries(answers.byStatus),
      acknowledged,
      delivered,
      resumed_after_ms: Math.round(resumedAfter),
      tries,
      at: new Date().toISOString(),
    };
    appendFileSync(REPORT, `${JSON.stringify(figures)}\n`);
    console.log(JSON.stringify(figures));

    expect(answers.byStatus.get('http 429') ?? 0).toBeGreaterThan(0); // the limiter did refuse
    expect(answers.byStatus.get('http 200') ?? 0).toBeGreaterThan(0);
    expect(sawRefusingHealth).toBe(true);
    expect(floodPeak).toBeLessThanOrEqual(LIMIT_MIB * MIB * 1.1);
    expect(status).toBe(200);
    expect(resumedAfter).toBeLessThan(2 * CHECK_MS);
    expect(after.status).toBe(200);
    expect(after.check).toBe('healthy');
  });
});

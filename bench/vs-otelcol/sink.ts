// The sink both daemons export to, and the latency probe that feeds them.
//
// Sink: an OTLP/gRPC server on node:http2 (no gRPC library: the benchmark should spend as
// little of the shared 2 cores here as it can). It answers every Export with OK, counts the
// items (spans, log records, metrics) by walking three levels of the protobuf without
// decoding them, and records when each request arrived.
//
// Latency: the probe sends one span (or log record) at a time straight to the daemon's OTLP
// receiver, whose 16-byte trace id is PROBE_MAGIC (8 bytes) followed by the send time
// (8 bytes, ns since the epoch, big-endian). Ids pass through both daemons untouched, so the
// sink finds probes with a byte search and takes arrival − send as the latency the daemon
// added (batch timeout included: both wait for it). Sender and sink are one process and one
// clock.
import { connect, createServer, constants, type ClientHttp2Session, type Http2Server } from 'node:http2';
import { gunzipSync } from 'node:zlib';

export const PROBE_MAGIC = Buffer.from('vsPROBE!', 'latin1');

const OK_BODY = Buffer.from([0, 0, 0, 0, 0]); // an empty Export*ServiceResponse, framed

export interface SinkCounts {
  items: number;
  requests: number;
  first: number;
  last: number;
  latenciesMs: number[];
}

export class Sink {
  readonly #server: Http2Server;
  port = 0;
  #c: SinkCounts = Sink.#zero();

  static #zero(): SinkCounts {
    return { items: 0, requests: 0, first: 0, last: 0, latenciesMs: [] };
  }

  constructor() {
    this.#server = createServer();
    this.#server.on('stream', (stream, headers) => {
      const gzip = headers['grpc-encoding'] === 'gzip';
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const now = Date.now();
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        this.#take(body, gzip, now);
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(OK_BODY);
      });
      stream.on('error', () => {});
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  /** Counts since the last reset, and starts over. */
  take(): SinkCounts {
    const c = this.#c;
    this.#c = Sink.#zero();
    return c;
  }
  get items(): number {
    return this.#c.items;
  }
  get last(): number {
    return this.#c.last;
  }

  close(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }

  #take(framed: Buffer, gzip: boolean, now: number): void {
    // gRPC length-prefixed messages: 1 byte compressed flag, 4 bytes length.
    for (let off = 0; off + 5 <= framed.length; ) {
      const len = framed.readUInt32BE(off + 1);
      let msg = framed.subarray(off + 5, off + 5 + len);
      if (framed[off] === 1 && gzip) msg = gunzipSync(msg);
      off += 5 + len;
      const c = this.#c;
      c.requests++;
      c.items += countItems(msg);
      if (c.first === 0) c.first = now;
      c.last = now;
      for (let at = msg.indexOf(PROBE_MAGIC); at >= 0; at = msg.indexOf(PROBE_MAGIC, at + 16)) {
        const sentNs = msg.readBigUInt64BE(at + 8);
        c.latenciesMs.push(now - Number(sentNs / 1_000_000n));
        c.items--; // a probe is not load
      }
    }
  }
}

function varint(b: Buffer, p: { o: number }): number {
  let v = 0;
  let shift = 1;
  for (;;) {
    const x = b[p.o++];
    v += (x & 0x7f) * shift;
    if (x < 0x80) return v;
    shift *= 128;
  }
}

/** Calls `fn(start, end)` for each length-delimited field `field` of `b[start, end)`. */
function eachField(b: Buffer, start: number, end: number, field: number, fn: (s: number, e: number) => void): void {
  const p = { o: start };
  while (p.o < end) {
    const tag = varint(b, p);
    switch (tag & 7) {
      case 0:
        varint(b, p);
        break;
      case 1:
        p.o += 8;
        break;
      case 5:
        p.o += 4;
        break;
      case 2: {
        const len = varint(b, p);
        if (tag >>> 3 === field) fn(p.o, p.o + len);
        p.o += len;
        break;
      }
      default:
        throw new Error(`sink: wire type ${tag & 7} at ${p.o}`);
    }
  }
}

/**
 * Spans / log records / metrics in an Export{Trace,Logs,Metrics}ServiceRequest: the three
 * share the shape request{1: Resource*{2: Scope*{2: item}}}.
 */
export function countItems(msg: Buffer): number {
  let n = 0;
  eachField(msg, 0, msg.length, 1, (rs, re) =>
    eachField(msg, rs, re, 2, (ss, se) =>
      eachField(msg, ss, se, 2, () => {
        n++;
      }),
    ),
  );
  return n;
}

// --- the probe -------------------------------------------------------------------------

function tagLen(field: number, body: Buffer): Buffer {
  const out: number[] = [(field << 3) | 2];
  for (let v = body.length; ; v >>>= 7) {
    if (v < 0x80) {
      out.push(v);
      break;
    }
    out.push((v & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(out), body]);
}

function fixed64(field: number, ns: bigint): Buffer {
  const b = Buffer.alloc(9);
  b[0] = (field << 3) | 1;
  b.writeBigUInt64LE(ns, 1);
  return b;
}

const PROBE_RESOURCE = tagLen(1, tagLen(1, Buffer.concat([tagLen(1, Buffer.from('service.name')), tagLen(2, tagLen(1, Buffer.from('vs-otelcol-probe')))])));

/** One span (traces) or log record (logs) whose id carries `sentNs`, as an Export request. */
export function probeRequest(signal: 'traces' | 'logs', sentNs: bigint): Buffer {
  const id = Buffer.alloc(16);
  PROBE_MAGIC.copy(id, 0);
  id.writeBigUInt64BE(sentNs, 8);
  const item =
    signal === 'traces'
      ? Buffer.concat([tagLen(1, id), tagLen(2, Buffer.from('probe-id')), tagLen(5, Buffer.from('probe')), fixed64(7, sentNs), fixed64(8, sentNs + 1000n)])
      : Buffer.concat([fixed64(1, sentNs), tagLen(5, tagLen(1, Buffer.from('probe'))), tagLen(9, id)]);
  return tagLen(1, Buffer.concat([PROBE_RESOURCE, tagLen(2, tagLen(2, item))]));
}

const PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** Sends a probe to the daemon's OTLP/gRPC receiver every `everyMs` until stopped. */
export function startProbe(port: number, signal: 'traces' | 'logs', everyMs: number): { stop: () => Promise<number> } {
  let session: ClientHttp2Session | undefined;
  let sent = 0;
  const send = (): void => {
    if (!session || session.destroyed) {
      session = connect(`http://127.0.0.1:${port}`);
      session.on('error', () => {});
    }
    const sentNs = BigInt(Date.now()) * 1_000_000n;
    const msg = probeRequest(signal, sentNs);
    const frame = Buffer.alloc(5 + msg.length);
    frame.writeUInt32BE(msg.length, 1);
    msg.copy(frame, 5);
    const req = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: PATHS[signal],
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    req.on('error', () => {});
    req.on('response', () => {});
    req.resume();
    req.end(frame);
    sent++;
  };
  const timer = setInterval(send, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      session?.close();
      return sent;
    },
  };
}

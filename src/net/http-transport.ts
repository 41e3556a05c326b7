import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { PartialSuccess, Signal } from '../pdata/types.ts';
import { decodeJsonResponse } from '../pdata/json/index.ts';
import { decodeProtoResponse } from '../pdata/proto/index.ts';
import { loadTls, type TlsConfig } from './client-config.ts';
import { ExportError, httpStatusError, toExportError } from './export-error.ts';
import { decodeRpcStatus } from '../pdata/rpc-status.ts';

const gzip = promisify(gzipCb);

// Responses are small (an empty message, a partial success or an error status): anything
// longer is cut here rather than buffered.
const MAX_RESPONSE_BYTES = 64 * 1024;
// Keep-alive connections per peer; beyond this, requests wait for a free socket.
const MAX_SOCKETS = 32;

export interface HttpTransportOptions {
  url: string;
  encoding: 'proto' | 'json';
  compression: 'gzip' | 'none';
  headers: Record<string, string>;
  tls: TlsConfig;
  who: string;
}

/** OTLP over HTTP: POSTs an encoded Export*ServiceRequest and classifies the answer. */
export class OtlpHttpTransport {
  readonly url: URL;
  readonly #options: HttpTransportOptions;
  readonly #headers: Record<string, string>;
  #agent: HttpAgent | undefined;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
    this.url = new URL(options.url);
    this.#headers = {
      'user-agent': 'genrf-collector',
      ...Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), v])),
      'content-type': options.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    };
    if (options.compression === 'gzip') this.#headers['content-encoding'] = 'gzip';
  }

  async start(): Promise<void> {
    if (this.url.protocol === 'https:') {
      const tls = this.#options.tls;
      const pem = await loadTls(tls, this.#options.who);
      this.#agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS,
        ca: pem.ca,
        cert: pem.cert,
        key: pem.key,
        rejectUnauthorized: !tls.insecure_skip_verify,
      });
    } else {
      this.#agent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    }
  }

  async export(signal: Signal, body: Uint8Array, abort: AbortSignal): Promise<PartialSuccess | undefined> {
    const agent = this.#agent;
    if (agent === undefined) throw ExportError.permanent(`${this.#options.who}: transport not started`);
    const payload = this.#options.compression === 'gzip' ? await gzip(body) : body;
    let res: IncomingMessage;
    let text: Buffer;
    try {
      res = await this.#post(payload, agent, abort);
      text = await readBody(res);
    } catch (err) {
      if (abort.aborted && abort.reason instanceof ExportError) throw abort.reason;
      const e = toExportError(err);
      throw new ExportError(`POST ${this.url.href}: ${e.message}`, { retryable: e.retryable, cause: err });
    }
    const status = res.statusCode ?? 0;
    const json = (res.headers['content-type'] ?? '').includes('json');
    if (status >= 200 && status < 300) {
      if (text.length === 0) return undefined;
      try {
        return json ? decodeJsonResponse(signal, text) : decodeProtoResponse(signal, text);
      } catch {
        return undefined; // accepted; a response we cannot read changes nothing
      }
    }
    throw httpStatusError(status, `${statusMessage(text, json)} (POST ${this.url.href})`, res.headers['retry-after']);
  }

  #post(payload: Uint8Array, agent: HttpAgent, abort: AbortSignal): Promise<IncomingMessage> {
    const request = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(this.url, {
        method: 'POST',
        agent,
        signal: abort,
        headers: { ...this.#headers, 'content-length': String(payload.byteLength) },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size >= MAX_RESPONSE_BYTES) return; // keep draining so the socket can be reused
      chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES)));
    res.on('error', reject);
  });
}

/** The message of an OTLP error body (a google.rpc.Status), or the start of the text. */
function statusMessage(body: Buffer, json: boolean): string {
  if (body.length === 0) return '';
  if (json) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      /* not JSON after all: fall through to the text */
    }
  } else {
    const status = decodeRpcStatus(body);
    if (status !== undefined && status.message !== '') return status.message;
  }
  const text = body.toString('utf8', 0, Math.min(body.length, 300)).replace(/\s+/g, ' ').trim();
  return /^[\x20-\x7e]*$/.test(text) ? text : '(binary body)';
}

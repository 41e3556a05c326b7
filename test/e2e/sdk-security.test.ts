// Issue #18 with real clients: the OpenTelemetry JS SDK's exporters, over gRPC and
// HTTP/protobuf, against receivers secured by TLS, mutual TLS, a bearer token, basic auth and
// an OIDC JWT. Good credentials land (with auth.subject); missing or bad ones are refused with
// 401 / UNAUTHENTICATED (or the TLS handshake fails) and nothing of theirs lands.
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, startSecureDaemon, type Mode, type SecureDaemon } from '../helpers/secure-daemon.ts';
import { waitFor } from './helpers/daemon.ts';
import { allRecords, readJsonLines } from './helpers/otlp.ts';

type Transport = 'grpc' | 'http';
/** @opentelemetry/core's ExportResult (a package this project does not depend on directly). */
interface ExportResult {
  code: number;
  error?: Error;
}
const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let s: SecureDaemon;
beforeAll(async () => {
  s = await startSecureDaemon();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

interface Client {
  /** Trust the test CA (false: the system's, which does not know it). */
  trust?: boolean;
  /** Present the client certificate. */
  cert?: boolean;
  authorization?: string;
  /** Plain text to the TLS port. */
  plain?: boolean;
}

function exporter(transport: Transport, mode: Mode, c: Client): SpanExporter {
  const port = s.ports[mode][transport];
  const scheme = c.plain ? 'http' : 'https';
  const ca = c.trust === false ? undefined : s.pki.caPem;
  const key = c.cert ? s.client.keyPem : undefined;
  const cert = c.cert ? s.client.certPem : undefined;
  if (transport === 'grpc') {
    const metadata = new Metadata();
    if (c.authorization) metadata.set('authorization', c.authorization);
    const creds = c.plain ? credentials.createInsecure() : credentials.createSsl(ca ?? null, key ?? null, cert ?? null);
    return new TraceGrpc({ url: `${scheme}://127.0.0.1:${port}`, credentials: creds, metadata, timeoutMillis: 5000 });
  }
  return new TraceProto({
    url: `${scheme}://127.0.0.1:${port}/v1/traces`,
    headers: c.authorization ? { authorization: c.authorization } : {},
    httpAgentOptions: { ca, key, cert, keepAlive: false },
    timeoutMillis: 5000,
  });
}

/** One span named `name` through a fresh exporter; the SDK's result. */
async function send(transport: Transport, mode: Mode, c: Client, name: string): Promise<ExportResult> {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'genrf-worker' }) });
  const span = provider.getTracer('genrf.test').startSpan(name);
  span.end();
  const exp = exporter(transport, mode, c);
  try {
    return await new Promise<ExportResult>((resolve) => exp.export([span as unknown as ReadableSpan], resolve));
  } finally {
    await exp.shutdown();
  }
}

async function landed(): Promise<Json[]> {
  return allRecords('traces', await readJsonLines(s.traces));
}

const subjectOf = (r: Json) => r.resource.attributes.find((a: Json) => a.key === 'auth.subject')?.value.stringValue;
const refusedAs = (transport: Transport) => (transport === 'grpc' ? status.UNAUTHENTICATED : 401);

describe.each<Transport>(['grpc', 'http'])('JS SDK over %s', (transport) => {
  const good = (mode: Mode): Client => ({ cert: mode === 'mtls', authorization: s.good[mode] });

  it.each(MODES)('%s: good credentials land', async (mode) => {
    const name = `js-${transport}-${mode}-good`;
    const r = await send(transport, mode, good(mode), name);
    expect(r.code, String(r.error)).toBe(ExportResultCode.SUCCESS);
    let span: Json;
    await waitFor(async () => (span = (await landed()).find((x) => x.name === name)) !== undefined, 10_000);
    expect(subjectOf(span)).toBe(s.subject[mode]);
  });

  it.each(['bearer', 'basic', 'oidc'] as const)('%s: missing and bad credentials are refused as unauthenticated; nothing lands', async (mode) => {
    const missing = await send(transport, mode, {}, `js-${transport}-${mode}-missing`);
    const bad = await send(transport, mode, { authorization: s.bad[mode] }, `js-${transport}-${mode}-bad`);
    for (const r of [missing, bad]) {
      expect(r.code).toBe(ExportResultCode.FAILED);
      expect((r.error as { code?: number }).code).toBe(refusedAs(transport));
    }
    // A good export after the bad ones: once it landed, the bad ones would have too.
    const marker = `js-${transport}-${mode}-after`;
    expect((await send(transport, mode, good(mode), marker)).code).toBe(ExportResultCode.SUCCESS);
    await waitFor(async () => (await landed()).some((x) => x.name === marker), 10_000);
    const names = (await landed()).map((x) => x.name);
    expect(names).not.toContain(`js-${transport}-${mode}-missing`);
    expect(names).not.toContain(`js-${transport}-${mode}-bad`);
  });

  it('tls: a client that does not trust the CA, or speaks plain text, gets nothing through', async () => {
    expect((await send(transport, 'tls', { trust: false }, `js-${transport}-tls-untrusted`)).code).toBe(ExportResultCode.FAILED);
    expect((await send(transport, 'tls', { plain: true }, `js-${transport}-tls-plain`)).code).toBe(ExportResultCode.FAILED);
  });

  it('mtls: a client without a certificate is refused in the handshake; nothing lands', async () => {
    expect((await send(transport, 'mtls', {}, `js-${transport}-mtls-nocert`)).code).toBe(ExportResultCode.FAILED);
    const marker = `js-${transport}-mtls-after`;
    expect((await send(transport, 'mtls', good('mtls'), marker)).code).toBe(ExportResultCode.SUCCESS);
    await waitFor(async () => (await landed()).some((x) => x.name === marker), 10_000);
    const names = (await landed()).map((x) => x.name);
    for (const n of ['tls-untrusted', 'tls-plain', 'mtls-nocert']) expect(names).not.toContain(`js-${transport}-${n}`);
  });
});

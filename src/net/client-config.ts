import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// Options shared by the exporters that talk to a network peer (otlp, otlphttp, and later
// jaeger), with otelcol's keys and defaults.

/**
 * The TLS material of a client, shared by the OTLP exporters and the Kafka client: the CA that
 * signed the peer's certificate, a client certificate for mutual TLS, and the testing-only
 * switch that accepts any certificate. Refine with `certKeyPair`.
 */
export function tlsFileFields() {
  return {
    /** PEM file of the CA(s) that signed the peer's certificate; default: the system's. */
    ca_file: z.string().optional(),
    /** PEM client certificate, for mutual TLS (with `key_file`). */
    cert_file: z.string().optional(),
    /** PEM key of `cert_file`. */
    key_file: z.string().optional(),
    /** Default false. True: accept any peer certificate (testing only: no protection from impostors). */
    insecure_skip_verify: z.boolean().default(false),
  };
}

/** cert_file and key_file go together (a `refine` check). */
export function certKeyPair(t: { cert_file?: string; key_file?: string }): boolean {
  return (t.cert_file === undefined) === (t.key_file === undefined);
}
export const CERT_KEY_PAIR_MESSAGE = 'cert_file and key_file go together: give both for mutual TLS, or neither';

export function tlsSchema() {
  return z
    .strictObject({
      /** Default false. True: plain text, no TLS (also implied by an `http://` endpoint). */
      insecure: z.boolean().default(false),
      ...tlsFileFields(),
    })
    .refine(certKeyPair, { message: CERT_KEY_PAIR_MESSAGE })
    .prefault({});
}

export type TlsConfig = z.output<ReturnType<typeof tlsSchema>>;

/** Default `{}`: extra request headers (HTTP) or metadata (gRPC), e.g. an API key. */
export function headersSchema() {
  return z.record(z.string(), z.string()).default({});
}

/** Default gzip. */
export function compressionSchema() {
  return z.enum(['gzip', 'none']).default('gzip');
}

/** The PEM material named by a tls block, read when the exporter starts (never at validate). */
export interface TlsMaterial {
  ca: Buffer | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

export async function loadTls(tls: TlsConfig, who: string): Promise<TlsMaterial> {
  const read = async (key: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (err) {
      throw new Error(`${who}: cannot read tls.${key} ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  return { ca: await read('ca_file', tls.ca_file), cert: await read('cert_file', tls.cert_file), key: await read('key_file', tls.key_file) };
}

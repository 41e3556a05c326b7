import { z } from 'zod';
import { duration } from '../config/schema-helpers.ts';

// The `tls` block of every server the daemon opens (OTLP gRPC and HTTP, the prometheus
// exporter, health_check, status, the daemon's own metrics), with the keys of otelcol's
// configtls.ServerConfig. Absent = plain text. The files are read at start, never at validate.

/** TLS versions as otelcol writes them, and Node's names for them. */
export const TLS_VERSIONS = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' } as const;
type Version = keyof typeof TLS_VERSIONS;

/**
 * Cipher suites by their IANA names (Go's, so an otelcol config reads the same), with
 * OpenSSL's names. Like Go, the list chooses among TLS 1.0–1.2 suites; the TLS 1.3 suites
 * stay on unless some are listed.
 */
export const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
};
const TLS13_DEFAULT = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

// YAML reads `min_version: 1.2` as a number: take it as the string otelcol expects.
const version = z.preprocess(
  (v) => (typeof v === 'number' ? v.toFixed(1) : v),
  z.enum(Object.keys(TLS_VERSIONS) as [Version, ...Version[]], { message: 'expected a TLS version: "1.0", "1.1", "1.2" or "1.3"' }),
);

const suiteName = z.string().refine((s) => s in CIPHER_SUITES, {
  message: `unknown cipher suite; known: ${Object.keys(CIPHER_SUITES).join(', ')}`,
});

export function serverTlsSchema() {
  return z
    .strictObject({
      /** PEM certificate (chain) the server presents. */
      cert_file: z.string().min(1),
      /** PEM private key of cert_file. */
      key_file: z.string().min(1),
      /** PEM CA(s) that client certificates must chain to; set = mutual TLS (a client without a valid certificate is refused). */
      client_ca_file: z.string().min(1).optional(),
      /** Default "1.2": the oldest TLS version accepted. */
      min_version: version.default('1.2'),
      /** Default: the newest Node supports (1.3). */
      max_version: version.optional(),
      /** Default: Node's list. IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
      cipher_suites: z.array(suiteName).min(1).optional(),
      /** Default 0 (never): how often the files are read again; a changed, valid set is used for new connections. */
      reload_interval: duration('0s'),
    })
    .superRefine((t, ctx) => {
      if (t.max_version !== undefined && Number(t.max_version) < Number(t.min_version)) {
        ctx.addIssue({ code: 'custom', path: ['max_version'], message: `max_version ${t.max_version} is below min_version ${t.min_version}` });
      }
    })
    .meta({ description: 'TLS for this server: cert_file and key_file, client_ca_file for mutual TLS.' });
}

export type ServerTlsConfig = z.output<ReturnType<typeof serverTlsSchema>>;

/** Node's `ciphers` string for a cipher_suites list (undefined: Node's default). */
export function cipherString(suites: readonly string[] | undefined): string | undefined {
  if (suites === undefined) return undefined;
  const names = suites.map((s) => CIPHER_SUITES[s]);
  const tls13 = names.some((n) => n.startsWith('TLS_'));
  return tls13 ? names.join(':') : `${TLS13_DEFAULT}:${names.join(':')}`;
}

/** The server's `auth` block: which extension authenticates its requests (otelcol's configauth). */
export function serverAuthSchema() {
  return z
    .strictObject({
      /** The id of an authenticator extension (bearertokenauth, basicauth, oidc) listed in service.extensions. */
      authenticator: z.string().min(1),
    })
    .meta({ description: 'Authenticate every request with this extension (e.g. bearertokenauth/workers).' });
}

export type ServerAuthConfig = z.output<ReturnType<typeof serverAuthSchema>>;

/** `tls` and `auth`, the two options every HTTP server of the daemon takes. */
export function serverSecurityFields() {
  return {
    /** Default: none (plain text). */
    tls: serverTlsSchema().optional(),
    /** Default: none (every request is served). */
    auth: serverAuthSchema().optional(),
  };
}

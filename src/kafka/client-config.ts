import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BaseOptions } from '@platformatic/kafka';
import type { LinkWarning } from '../pipeline/component.ts';
import { CERT_KEY_PAIR_MESSAGE, certKeyPair, tlsFileFields } from '../net/client-config.ts';

// Connection options shared by the kafka receiver and exporter, with the keys of the
// OpenTelemetry Collector contrib's kafka components (`brokers`, `client_id`, `auth.sasl`,
// `tls`). TLS is off unless a `tls` block is given (Kafka listeners are plain by default).

const BROKER_RE = /^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/;

const saslSchema = z
  .strictObject({
    /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. PLAIN sends the password as it is: use it only with tls. */
    mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
    username: z.string().min(1),
    /** The password; write `${env:NAME}`, or use password_file. */
    password: z.string().min(1, 'the password is empty (is its environment variable set?)').optional(),
    /** A file holding the password (whitespace around it ignored), read at each connection: a rotated password is used without a restart. */
    password_file: z.string().min(1).optional(),
  })
  .refine((s) => (s.password === undefined) !== (s.password_file === undefined), {
    message: 'give exactly one of password or password_file',
  });

/** Off unless given (Kafka listeners are plain by default). */
const tlsSchema = z.strictObject(tlsFileFields()).refine(certKeyPair, { message: CERT_KEY_PAIR_MESSAGE });

export function kafkaClientFields() {
  return {
    /** Default [127.0.0.1:9092]: bootstrap brokers, host:port. */
    // An entry may hold several, comma-separated, so that one env variable can list them all.
    brokers: z.preprocess(
      (v) =>
        Array.isArray(v)
          ? v.flatMap((b) =>
              typeof b === 'string'
                ? b
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean)
                : [b],
            )
          : v,
      z.array(z.string().regex(BROKER_RE, 'expected host:port, e.g. 127.0.0.1:9092')).min(1).default(['127.0.0.1:9092']),
    ),
    /** Default genrf-collector: the client id the brokers see (quotas, logs). */
    client_id: z.string().min(1).default('genrf-collector'),
    /** SASL authentication; absent = none. */
    auth: z.strictObject({ sasl: saslSchema.optional() }).optional(),
    /** TLS to the brokers; absent = plain TCP. */
    tls: tlsSchema.optional(),
  };
}

export interface KafkaClientConfig {
  brokers: string[];
  client_id: string;
  auth?: { sasl?: z.output<typeof saslSchema> };
  tls?: z.output<typeof tlsSchema>;
}

/** The client options for @platformatic/kafka; reads TLS files, so it runs at start, never at validate. */
export async function clientOptions(config: KafkaClientConfig, who: string): Promise<BaseOptions> {
  const options: BaseOptions = {
    clientId: config.client_id,
    bootstrapBrokers: config.brokers,
    connectTimeout: 5000,
    // A short retry delay: the receiver and exporter have their own backoff on top.
    retries: 3,
    retryDelay: 250,
  };
  const sasl = config.auth?.sasl;
  if (sasl) {
    const file = sasl.password_file;
    // Read now, so that a missing file fails the start with a clear error, and again at
    // each connection. The password never goes into a message.
    if (file !== undefined) await readPassword(file, who);
    const password = file === undefined ? sasl.password! : () => readPassword(file, who);
    options.sasl = { mechanism: sasl.mechanism, username: sasl.username, password };
  }
  const tls = config.tls;
  if (tls) {
    const read = async (key: string, path: string | undefined) => {
      if (path === undefined) return undefined;
      try {
        return await readFile(path);
      } catch (err) {
        throw new Error(`${who}: cannot read tls.${key} ${path}: ${(err as Error).message}`, { cause: err });
      }
    };
    options.tls = {
      ca: await read('ca_file', tls.ca_file),
      cert: await read('cert_file', tls.cert_file),
      key: await read('key_file', tls.key_file),
      rejectUnauthorized: !tls.insecure_skip_verify,
    };
  }
  return options;
}

async function readPassword(path: string, who: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new Error(`${who}: cannot read auth.sasl.password_file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** What `validate` warns about a Kafka link: a password sent in clear, a broker certificate not checked. */
export function kafkaLinkWarnings(config: KafkaClientConfig): LinkWarning[] {
  const out: LinkWarning[] = [];
  if (config.auth?.sasl?.mechanism === 'PLAIN' && config.tls === undefined) {
    out.push({ path: ['auth', 'sasl', 'mechanism'], message: 'SASL PLAIN without tls sends the password in clear text to the brokers: add a tls block (or use SCRAM-SHA-512)' });
  }
  if (config.tls?.insecure_skip_verify) {
    out.push({
      path: ['tls', 'insecure_skip_verify'],
      message: "the brokers' certificates are not checked: anyone on the path can pose as a broker (and read the SASL password); give tls.ca_file instead",
    });
  }
  return out;
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BaseOptions } from '@platformatic/kafka';
import { CERT_KEY_PAIR_MESSAGE, certKeyPair, tlsFileFields } from '../net/client-config.ts';

// Connection options shared by the kafka receiver and exporter, with the keys of the
// OpenTelemetry Collector contrib's kafka components (`brokers`, `client_id`, `auth.sasl`,
// `tls`). TLS is off unless a `tls` block is given (Kafka listeners are plain by default).

const BROKER_RE = /^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/;

const saslSchema = z.strictObject({
  /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
  username: z.string().min(1),
  password: z.string(),
});

/** Off unless given (Kafka listeners are plain by default). */
const tlsSchema = z.strictObject(tlsFileFields()).refine(certKeyPair, { message: CERT_KEY_PAIR_MESSAGE });

export function kafkaClientFields() {
  return {
    /** Default [127.0.0.1:9092]: bootstrap brokers, host:port. */
    // An entry may hold several, comma-separated, so that one env variable can list them all.
    brokers: z.preprocess(
      (v) => (Array.isArray(v) ? v.flatMap((b) => (typeof b === 'string' ? b.split(',').map((x) => x.trim()).filter(Boolean) : [b])) : v),
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
  if (sasl) options.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
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

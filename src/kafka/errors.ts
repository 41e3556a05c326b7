import { loadedKafka } from './lib.ts';
import { ExportError } from '../net/export-error.ts';

// One place that says which Kafka client errors are worth a retry. The client marks broker
// error codes with `canRetry` (e.g. NOT_LEADER_OR_FOLLOWER: yes; MESSAGE_TOO_LARGE: no);
// network errors and timeouts are retryable; misuse (bad options) is not.

/** The library's error walk; null before the library is loaded (no client error exists then). */
function findErrorBy(err: Error, property: string, value: unknown): Record<string, unknown> | null {
  return (loadedKafka()?.findErrorBy(err, property, value) as Record<string, unknown> | null | undefined) ?? null;
}

/** The first line of a client error, with the broker's error name when there is one. */
export function describeKafkaError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const protocol = findErrorBy(err, 'code', 'PLT_KFK_PROTOCOL');
  const name = protocol?.apiId as string | undefined;
  const inner = err instanceof AggregateError && err.errors.length > 0 ? `: ${(err.errors[0] as Error).message}` : '';
  return name && !err.message.includes(name) ? `${err.message} (${name})${inner}` : `${err.message}${inner}`;
}

export function isRetryableKafkaError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (findErrorBy(err, 'canRetry', false) !== null) return false;
  if (findErrorBy(err, 'code', 'PLT_KFK_USER') !== null) return false;
  if (findErrorBy(err, 'code', 'PLT_KFK_UNSUPPORTED_COMPRESSION') !== null) return false;
  return true;
}

/** A client error as the exporter helper's ExportError. */
export function toKafkaExportError(err: unknown, who: string): ExportError {
  const message = `${who}: ${describeKafkaError(err)}`;
  return isRetryableKafkaError(err) ? ExportError.retryable(message, undefined, err) : ExportError.permanent(message, err);
}

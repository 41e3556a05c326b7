import { createHash } from 'node:crypto';
import type { CollectorConfig } from '../config/model.ts';

/**
 * sha256 of the configuration as it runs (the files merged, `${env:...}` expanded), first 16
 * hex digits: logged by every reload before and after, and shown on the status page, so that
 * an operator can tell which configuration a daemon runs.
 */
export function configHash(config: CollectorConfig): string {
  const text = JSON.stringify(config.raw, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

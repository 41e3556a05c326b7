// TEMPORARY placeholder so src/config and the CLI typecheck; the lead replaces this file with
// the real registry of every factory.
import { Registry } from './pipeline/registry.ts';

export function createRegistry(): Registry {
  return new Registry();
}

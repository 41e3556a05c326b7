// Setup file of every test project: imports the implementation of every built-in component
// (src/pipeline/lazy.ts), as the engine does for the components a config names before it
// builds a graph. Tests create components straight from their factories; the daemon's own
// laziness is tested in test/unit/architecture/lazy-libraries.test.ts, in fresh processes.
import { createRegistry } from '../../src/builtin-components.ts';
import type { Kind } from '../../src/pipeline/component.ts';

const registry = createRegistry();
const kinds: Kind[] = ['receiver', 'processor', 'exporter', 'connector', 'extension'];
await Promise.all(kinds.flatMap((k) => registry.list(k).map((f) => f.load?.())));

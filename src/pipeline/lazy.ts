// A component's implementation, imported on first use (issue 15). The registry holds every
// built-in factory, but a factory is only a description (type, options schema, signals); the
// code that does the work, and the libraries it imports, load when a config uses the
// component: the engine awaits `load()` of every factory a config names before building the
// graph (pipeline/load.ts), and `create` reads the loaded module synchronously.

export interface LazyModule<M> {
  /** Imports the module once; later calls return the same promise. */
  load(): Promise<void>;
  /** The loaded module; throws when `load()` has not completed (a bug in the caller). */
  readonly module: M;
}

export function lazyModule<M>(what: string, importer: () => Promise<M>): LazyModule<M> {
  let loaded: M | undefined;
  let loading: Promise<void> | undefined;
  return {
    load() {
      loading ??= importer().then(
        (m) => {
          loaded = m;
        },
        (err: unknown) => {
          loading = undefined; // a failed import may be retried (a reload after a fix)
          throw err;
        },
      );
      return loading;
    },
    get module(): M {
      if (loaded === undefined) throw new Error(`${what}: implementation not loaded (the engine awaits the factory's load() before create)`);
      return loaded;
    },
  };
}

import type { Factory, Kind, ReceiverFactory, ProcessorFactory, ExporterFactory, ConnectorFactory, ExtensionFactory } from './component.ts';

type FactoryOf<K extends Kind> = K extends 'receiver'
  ? ReceiverFactory
  : K extends 'processor'
    ? ProcessorFactory
    : K extends 'exporter'
      ? ExporterFactory
      : K extends 'connector'
        ? ConnectorFactory
        : ExtensionFactory;

/** The component factories the daemon knows, by kind and type. Filled in one place: src/builtin-components.ts. */
export class Registry {
  readonly #byKind = new Map<Kind, Map<string, Factory>>();

  constructor(factories: readonly Factory[] = []) {
    for (const f of factories) this.add(f);
  }

  add(factory: Factory): this {
    let m = this.#byKind.get(factory.kind);
    if (!m) this.#byKind.set(factory.kind, (m = new Map()));
    if (m.has(factory.type)) throw new Error(`duplicate ${factory.kind} factory "${factory.type}"`);
    m.set(factory.type, factory);
    return this;
  }

  get<K extends Kind>(kind: K, type: string): FactoryOf<K> | undefined {
    return this.#byKind.get(kind)?.get(type) as FactoryOf<K> | undefined;
  }

  /** Types of one kind, sorted (for "unknown type" messages and `components`). */
  types(kind: Kind): string[] {
    return [...(this.#byKind.get(kind)?.keys() ?? [])].sort();
  }

  list<K extends Kind>(kind: K): FactoryOf<K>[] {
    return this.types(kind).map((t) => this.get(kind, t)!);
  }
}

import type { Signal } from '../pdata/types.ts';
import type { Condition, ConditionConfig } from '../match/condition.ts';
import { compileSelection } from '../match/selection.ts';
import { compileActions, type CompiledAction } from './actions.ts';
import type { ActionConfig } from './config.ts';

/** What the attributes and resource processors apply, and to what: compiled once, when built. */
export interface Edits {
  readonly actions: readonly CompiledAction[];
  /** Only what matches is changed (undefined: everything). */
  readonly include: Condition | undefined;
  /** What matches is left alone (undefined: nothing). */
  readonly exclude: Condition | undefined;
}

/** Compiles the actions and the include / exclude pair; throws on keys that cannot match `signal`. */
export function compileEdits(id: string, signal: Signal, actions: readonly ActionConfig[], selection: { include?: ConditionConfig; exclude?: ConditionConfig }): Edits {
  const { include, exclude } = compileSelection(id, signal, selection);
  return { actions: compileActions(actions), include, exclude };
}

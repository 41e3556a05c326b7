/** A component id, `type[/name]`, as written in pipeline files. */
export interface ComponentId {
  readonly type: string;
  readonly name: string;
  /** The id as written: `type` or `type/name`. */
  readonly text: string;
}

const TYPE_RE = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const NAME_RE = /^[^\s/]+(?:\/[^\s/]+)*$/;

/** Parses `type[/name]`; returns an error message instead when the id is malformed. */
export function parseComponentId(text: string): ComponentId | string {
  const slash = text.indexOf('/');
  const type = slash < 0 ? text : text.slice(0, slash);
  const name = slash < 0 ? '' : text.slice(slash + 1);
  if (!TYPE_RE.test(type)) {
    return `invalid component id "${text}": the type must start with a letter and hold only letters, digits and "_"`;
  }
  if (slash >= 0 && !NAME_RE.test(name)) {
    return `invalid component id "${text}": the name after "/" must be non-empty and hold no spaces`;
  }
  return { type, name, text };
}

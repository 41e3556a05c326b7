import { z } from 'zod';
import { regexSource } from '../match/config.ts';

// The attribute actions of otelcol contrib's attributes processor, shared by the attributes
// processor (on records) and the resource processor (on resources).

export const ACTION_NAMES = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'] as const;
export const CONVERTED_TYPES = ['int', 'double', 'string', 'bool'] as const;

const baseAction = z.strictObject({
  /** The attribute acted on. Required except for delete / hash by `pattern`. */
  key: z.string().min(1).optional(),
  action: z.enum(ACTION_NAMES),
  /** Literal value for insert / update / upsert. `${env:VAR}` is expanded by the config loader. */
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** For insert / update / upsert: copy the value of this attribute of the same record. */
  from_attribute: z.string().min(1).optional(),
  /** extract: a regex with named groups, applied to the key's string value; delete / hash: a regex on keys. */
  pattern: regexSource.optional(),
  /** convert: the type to convert to. */
  converted_type: z.enum(CONVERTED_TYPES).optional(),
});

export type ActionConfig = z.output<typeof baseAction>;

const NAMED_GROUP_RE = /\(\?<([A-Za-z_$][\w$]*)>/;

export const actionSchema = baseAction.superRefine((a, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const forbid = (...keys: Array<keyof ActionConfig>) => {
    for (const k of keys) if (a[k] !== undefined) issue(k, `"${k}" does not apply to action ${a.action}`);
  };
  switch (a.action) {
    case 'insert':
    case 'update':
    case 'upsert':
      if (a.key === undefined) issue('key', `action ${a.action} needs a key`);
      if ((a.value === undefined) === (a.from_attribute === undefined)) {
        issue('value', `action ${a.action} needs exactly one of value or from_attribute`);
      }
      forbid('pattern', 'converted_type');
      break;
    case 'delete':
    case 'hash':
      if ((a.key === undefined) === (a.pattern === undefined)) issue('key', `action ${a.action} needs exactly one of key or pattern (a regex on keys)`);
      forbid('value', 'from_attribute', 'converted_type');
      break;
    case 'extract':
      if (a.key === undefined) issue('key', 'action extract needs the key whose value the pattern reads');
      if (a.pattern === undefined) issue('pattern', 'action extract needs a pattern with named groups, e.g. "^(?<user>[^@]+)@"');
      else if (!NAMED_GROUP_RE.test(a.pattern)) issue('pattern', 'the extract pattern has no named group (?<name>...): each group names the attribute it sets');
      forbid('value', 'from_attribute', 'converted_type');
      break;
    case 'convert':
      if (a.key === undefined) issue('key', 'action convert needs a key');
      if (a.converted_type === undefined) issue('converted_type', `action convert needs converted_type: ${CONVERTED_TYPES.join(', ')}`);
      forbid('value', 'from_attribute', 'pattern');
      break;
  }
});

export const actionsSchema = z.array(actionSchema).min(1, 'at least one action is needed');

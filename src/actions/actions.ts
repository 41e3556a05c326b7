// Attribute actions, compiled once into plain records with a numeric kind, so that applying
// them to a record's attributes is a switch in a loop: no option lookups, no closures, no
// regex construction per record. Shared by the attributes and resource processors.
import { hash } from 'node:crypto';
import type { AnyValue, KeyValue } from '../pdata/types.ts';
import { cloneAnyValue } from '../pdata/clone.ts';
import { anyValueToString, attributeIndex } from '../match/value.ts';
import type { ActionConfig } from './config.ts';

const INSERT = 0;
const UPDATE = 1;
const UPSERT = 2;
const DELETE = 3;
const DELETE_MATCHING = 4;
const HASH = 5;
const HASH_MATCHING = 6;
const EXTRACT = 7;
const CONVERT = 8;

const TO_INT = 0;
const TO_DOUBLE = 1;
const TO_STRING = 2;
const TO_BOOL = 3;

export interface CompiledAction {
  readonly kind: number;
  readonly key: string;
  /** Literal value (copied for every record, so records never share a value object). */
  readonly value: AnyValue | undefined;
  readonly from: string | undefined;
  /** delete / hash: keys to act on; extract: the value pattern. */
  readonly regex: RegExp | undefined;
  /** extract: the named groups, in pattern order. */
  readonly groups: readonly string[];
  readonly convertTo: number;
}

/** A YAML scalar as an OTLP value: integers become intValue, other numbers doubleValue. */
export function literalValue(v: string | number | boolean): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) && Number.isSafeInteger(v) ? { intValue: BigInt(v) } : { doubleValue: v };
}

function groupNames(source: string): string[] {
  const names: string[] = [];
  const re = /\(\?<([A-Za-z_$][\w$]*)>/g;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) names.push(m[1]);
  return names;
}

export function compileActions(actions: readonly ActionConfig[]): CompiledAction[] {
  return actions.map((a) => {
    const byPattern = a.key === undefined;
    const kind = {
      insert: INSERT,
      update: UPDATE,
      upsert: UPSERT,
      delete: byPattern ? DELETE_MATCHING : DELETE,
      hash: byPattern ? HASH_MATCHING : HASH,
      extract: EXTRACT,
      convert: CONVERT,
    }[a.action];
    return {
      kind,
      key: a.key ?? '',
      value: a.value === undefined ? undefined : literalValue(a.value),
      from: a.from_attribute,
      regex: a.pattern === undefined ? undefined : new RegExp(a.pattern),
      groups: a.action === 'extract' && a.pattern !== undefined ? groupNames(a.pattern) : [],
      convertTo: a.converted_type === undefined ? -1 : ['int', 'double', 'string', 'bool'].indexOf(a.converted_type),
    };
  });
}

/** Applies the actions, in order, to one attribute list (changed in place). */
export function applyActions(actions: readonly CompiledAction[], attrs: KeyValue[]): void {
  for (let a = 0; a < actions.length; a++) {
    const act = actions[a];
    switch (act.kind) {
      case INSERT:
      case UPDATE:
      case UPSERT: {
        const i = attributeIndex(attrs, act.key);
        if (i >= 0 ? act.kind === INSERT : act.kind === UPDATE) break;
        let value: AnyValue;
        if (act.value !== undefined) value = cloneAnyValue(act.value);
        else {
          const j = attributeIndex(attrs, act.from!);
          if (j < 0) break; // nothing to copy: leave the record as it is
          value = cloneAnyValue(attrs[j].value);
        }
        if (i >= 0) attrs[i].value = value;
        else attrs.push({ key: act.key, value });
        break;
      }
      case DELETE: {
        const i = attributeIndex(attrs, act.key);
        if (i >= 0) removeWhere(attrs, act.key, undefined);
        break;
      }
      case DELETE_MATCHING:
        removeWhere(attrs, undefined, act.regex);
        break;
      case HASH: {
        // Every attribute with the key, should a sender have sent duplicates.
        for (let i = 0; i < attrs.length; i++) if (attrs[i].key === act.key) attrs[i].value = hashed(attrs[i].value);
        break;
      }
      case HASH_MATCHING:
        for (let i = 0; i < attrs.length; i++) if (act.regex!.test(attrs[i].key)) attrs[i].value = hashed(attrs[i].value);
        break;
      case EXTRACT: {
        const i = attributeIndex(attrs, act.key);
        const s = i < 0 ? undefined : attrs[i].value.stringValue;
        if (s === undefined) break;
        const groups = act.regex!.exec(s)?.groups;
        if (groups === undefined) break;
        for (let g = 0; g < act.groups.length; g++) {
          const v = groups[act.groups[g]];
          if (v === undefined) continue; // an optional group that did not take part
          const k = attributeIndex(attrs, act.groups[g]);
          if (k >= 0) attrs[k].value = { stringValue: v };
          else attrs.push({ key: act.groups[g], value: { stringValue: v } });
        }
        break;
      }
      default: {
        // CONVERT
        const i = attributeIndex(attrs, act.key);
        if (i < 0) break;
        const converted = convert(attrs[i].value, act.convertTo);
        if (converted !== undefined) attrs[i].value = converted;
      }
    }
  }
}

/** Removes every attribute with this key, or whose key matches the regex; keeps the order. */
function removeWhere(attrs: KeyValue[], key: string | undefined, regex: RegExp | undefined): void {
  let n = 0;
  for (let i = 0; i < attrs.length; i++) {
    const k = attrs[i].key;
    if (key !== undefined ? k === key : regex!.test(k)) continue;
    attrs[n++] = attrs[i];
  }
  attrs.length = n;
}

function hashed(v: AnyValue): AnyValue {
  return { stringValue: hash('sha256', anyValueToString(v), 'hex') };
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value converted, or undefined when it cannot be (the attribute is then left as it
 * was, as otelcol does): a string that is not a number stays a string.
 */
export function convert(v: AnyValue, to: number): AnyValue | undefined {
  switch (to) {
    case TO_INT: {
      if (v.intValue !== undefined) return undefined;
      if (v.doubleValue !== undefined) {
        const t = Math.trunc(v.doubleValue);
        return Number.isFinite(t) && t >= -(2 ** 63) && t < 2 ** 63 ? { intValue: BigInt(t) } : undefined;
      }
      if (v.boolValue !== undefined) return { intValue: v.boolValue ? 1n : 0n };
      if (v.stringValue !== undefined && INT_TEXT.test(v.stringValue)) {
        const n = BigInt(v.stringValue.trim());
        return n >= INT64_MIN && n <= INT64_MAX ? { intValue: n } : undefined;
      }
      return undefined;
    }
    case TO_DOUBLE: {
      if (v.doubleValue !== undefined) return undefined;
      if (v.intValue !== undefined) return { doubleValue: Number(v.intValue) };
      if (v.boolValue !== undefined) return { doubleValue: v.boolValue ? 1 : 0 };
      if (v.stringValue !== undefined && v.stringValue.trim() !== '') {
        const n = Number(v.stringValue);
        return Number.isNaN(n) ? undefined : { doubleValue: n };
      }
      return undefined;
    }
    case TO_STRING:
      return v.stringValue !== undefined ? undefined : { stringValue: anyValueToString(v) };
    case TO_BOOL: {
      if (v.boolValue !== undefined) return undefined;
      if (v.intValue !== undefined) return { boolValue: v.intValue !== 0n };
      if (v.doubleValue !== undefined) return { boolValue: v.doubleValue !== 0 };
      if (v.stringValue !== undefined) {
        const s = v.stringValue.trim().toLowerCase();
        if (s === 'true' || s === '1' || s === 't' || s === 'yes') return { boolValue: true };
        if (s === 'false' || s === '0' || s === 'f' || s === 'no') return { boolValue: false };
      }
      return undefined;
    }
  }
}
